use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The three kinds of user (SPEC §1). What each may do lives in `rules::authz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(
    feature = "ssr",
    sqlx(type_name = "user_role", rename_all = "lowercase")
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Manager,
    Compliance,
    Agent,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Manager, Role::Compliance, Role::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Compliance => "compliance",
            Role::Agent => "agent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Manager => "Manager",
            Role::Compliance => "Compliance officer",
            Role::Agent => "Agent",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| "Choose manager, compliance or agent.".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_role_from_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!(" Agent ".parse::<Role>(), Ok(Role::Agent));
    }

    #[test]
    fn refuses_unknown_roles() {
        assert!("admin".parse::<Role>().is_err());
        assert!("".parse::<Role>().is_err());
    }
}

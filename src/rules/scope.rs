//! Whose records a caller sees (SPEC §1): their organisation's, and for agents only the
//! leads assigned to them or to nobody, with those leads' conversations, consent and
//! exports. The server turns this into SQL (`server::db::scope`); live events use
//! `sees` directly.

use crate::model::Role;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub org_id: Uuid,
    pub user_id: Uuid,
    /// Agents see only leads assigned to them or to nobody.
    pub own_only: bool,
}

impl Scope {
    pub fn of(org_id: Uuid, user_id: Uuid, role: Role) -> Scope {
        Scope {
            org_id,
            user_id,
            own_only: role == Role::Agent,
        }
    }

    /// Whether a record of `org_id`, on a lead assigned to `assigned_to`, is visible.
    pub fn sees(self, org_id: Uuid, assigned_to: Option<Uuid>) -> bool {
        self.org_id == org_id
            && (!self.own_only || assigned_to.is_none_or(|user| user == self.user_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn agents_see_their_own_and_unassigned_leads_only() {
        let agent = Scope::of(id(10), id(1), Role::Agent);
        assert!(agent.sees(id(10), None));
        assert!(agent.sees(id(10), Some(id(1))));
        assert!(!agent.sees(id(10), Some(id(2))));
    }

    #[test]
    fn managers_and_compliance_see_every_lead_of_their_organisation() {
        for role in [Role::Manager, Role::Compliance] {
            assert!(Scope::of(id(10), id(1), role).sees(id(10), Some(id(2))));
        }
    }

    proptest! {
        #[test]
        fn nobody_sees_another_organisation(
            org in any::<u128>(), other in any::<u128>(), user in any::<u128>(),
            assigned in proptest::option::of(any::<u128>()), role in 0usize..3,
        ) {
            prop_assume!(org != other);
            let scope = Scope::of(id(org), id(user), Role::ALL[role]);
            prop_assert!(!scope.sees(id(other), assigned.map(id)));
        }

        #[test]
        fn an_agent_sees_exactly_what_is_theirs_or_nobodys(
            user in any::<u128>(), assigned in proptest::option::of(any::<u128>()),
        ) {
            let scope = Scope::of(id(1), id(user), Role::Agent);
            let theirs_or_nobodys = assigned.is_none_or(|a| a == user);
            prop_assert_eq!(scope.sees(id(1), assigned.map(id)), theirs_or_nobodys);
        }
    }
}

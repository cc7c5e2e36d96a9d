//! Plain-language requests in French.

use super::words::*;

pub(super) const FR_MESSAGES: &str =
    "messages message textos texto sms courriels courriel promotions \
    promos offres notifications appels pubs publicites infolettre infolettres abonnement \
    envois alertes";
pub(super) const FR_SEND: &str =
    "envoyez envoyer envoie envoies envoient ecrivez ecrire ecris textez \
    texter texte contactez contacter contacte appelez appeler appelle relancez relancer \
    sollicitez derangez deranger";
pub(super) const FR_SKIP: &str =
    "de d des vos les ces tes aucun aucune svp stp merci s il vous te plait \
    jamais rien recevoir";
pub(super) const FR_UNSUBSCRIBE: &str =
    "desabonner desabonnez desabonne desabonnement desinscrire \
    desinscrivez desinscris desinscription desinscrit";

pub(super) const FR_STOP: &str = "arretez arrete arreter arretes cessez cesse cesser";
pub(super) const FR_REMOVE: &str =
    "retirez retire retirer enlevez enleve enlever supprimez supprime \
    supprimer effacez efface effacer rayez sortez";
pub(super) const FR_WANT: &str = "veux veut voulons souhaite desire";
pub(super) const FR_SUBJECTS: &str = "vous tu ils on il elle";

/// "ne m'envoyez plus de messages", "arrêtez de m'écrire", "je ne veux plus recevoir vos
/// messages", "plus de messages svp", "retirez-moi de votre liste", "me désabonner".
pub(super) fn demande_l_arret(w: &[&str]) -> bool {
    if let ["plus", "de" | "d", noun, rest @ ..] = w {
        if among(FR_MESSAGES, noun) && rest.iter().all(|r| among(FR_SKIP, r)) {
            return true;
        }
    }
    (0..w.len()).any(|i| {
        let before = |n: usize| i.checked_sub(n).map_or("", |j| w[j]);
        let (word, rest) = (w[i], &w[i + 1..]);
        if among(FR_SEND, word) {
            ne_plus_envoyer(w, i)
        } else if among(FR_STOP, word) || word == "arret" {
            then_noun(rest, &["les vos ces tes des d de"], &[FR_MESSAGES], false)
        } else if among(FR_REMOVE, word) {
            french_removal(rest, among("me m nous", before(1)))
        } else if among(FR_UNSUBSCRIBE, word) {
            !negated_before(w, i)
        } else {
            match word {
                // "je ne veux plus (recevoir) de messages", Québec "je veux pu de messages";
                // not "je ne reçois plus vos messages", which complains of the opposite.
                "plus" | "pu"
                    if among(FR_WANT, before(1)) && (before(2) == "ne" || word == "pu") =>
                {
                    then_noun(rest, &[FR_SKIP], &[FR_MESSAGES], has(w, "recevoir"))
                }
                "plus" if before(1) == "ne" && rest.first() == Some(&"recevoir") => {
                    then_noun(rest, &[FR_SKIP], &[FR_MESSAGES], true)
                }
                _ => false,
            }
        }
    })
}

/// "ne m'envoyez plus (de messages)", "ne plus m'envoyer", "arrêtez de m'écrire"; not "vous
/// ne m'envoyez plus ?", which complains of the opposite.
pub(super) fn ne_plus_envoyer(w: &[&str], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).map_or("", |j| w[j]);
    let rest = &w[i + 1..];
    let pronoun = among("ne n m me nous", before(1))
        && !among(FR_SUBJECTS, before(2))
        && !among(FR_SUBJECTS, before(3));
    let no_more = pronoun
        && matches!(rest.first(), Some(&("plus" | "jamais" | "pu")))
        && then_noun(&rest[1..], &[FR_SKIP], &[FR_MESSAGES], true);
    let ne_plus = (1..=3).any(|n| before(n) == "plus")
        && (2..=4).any(|n| before(n) == "ne")
        && then_noun(rest, &[FR_SKIP], &[FR_MESSAGES], true);
    let stop_doing =
        among("de d m me nous", before(1)) && (1..=3).any(|n| among(FR_STOP, before(n)));
    no_more || ne_plus || stop_doing
}

/// "retirez-moi de votre liste", "supprimez mon numéro"; not the waiting list ("liste
/// d'attente").
pub(super) fn french_removal(rest: &[&str], me_before: bool) -> bool {
    let lists = ["liste listes envois messages textos sms contacts base"];
    let skip = ["de d la votre vos ta cette des svp merci s il vous plait"];
    if rest.contains(&"attente") {
        return false;
    }
    match rest {
        [who, tail @ ..] if among("moi nous", who) => then_noun(tail, &skip, &lists, true),
        [whose, what, ..] if among("mon notre", whose) => among(
            "numero nom contact courriel telephone cellulaire coordonnees",
            what,
        ),
        _ => me_before && then_noun(rest, &skip, &lists, false),
    }
}

//! Plain-language requests in Spanish.

use super::words::*;

pub(super) const ES_MESSAGES: &str = "mensajes mensaje msj msjs textos sms promociones ofertas \
    notificaciones llamadas correos whatsapp whatsapps publicidad suscripcion anuncios";
pub(super) const ES_SEND: &str =
    "envien envies envie enviar enviarme manden mandes mande mandar mandarme \
    escriban escribas escriba escribir escribirme contacten contactes contacte contactar \
    contactarme llamen llames llame llamar llamarme molesten molestes molestarme";
pub(super) const ES_SKIP: &str =
    "me nos los las sus tus estos esos estas esas de ya por favor gracias";

pub(super) const ES_STOP_DOING: &str = "deja dejen deje dejar dejes para paren pare parar";
pub(super) const ES_REMOVE_ME: &str =
    "borrenme borrame eliminenme eliminame quitenme quitame sacame \
    saquenme sacarme quitarme borrarme eliminarme retirenme";
pub(super) const ES_REMOVE: &str =
    "borren borra borre borrar eliminen elimina elimine eliminar quiten \
    quita quitar";
pub(super) const ES_CANCEL: &str =
    "cancelar cancelen cancela cancele parar paren detener detengan \
    suspender suspendan";

/// "no me envíen más mensajes", "dejen de escribirme", "ya no quiero recibir mensajes",
/// "no más mensajes", "quiero darme de baja", "sáquenme de su lista", "borren mi número",
/// "cancelar suscripción".
pub(super) fn pide_la_baja(w: &[&str]) -> bool {
    (0..w.len()).any(|i| {
        let before = |n: usize| i.checked_sub(n).map_or("", |j| w[j]);
        let (word, rest) = (w[i], &w[i + 1..]);
        if among(ES_SEND, word) {
            let ended = [ES_MESSAGES, "mas nada nunca"];
            (told_not_to(w, i) && then_noun(rest, &[ES_SKIP, "recibir"], &ended, false))
                || (before(1) == "de" && among(ES_STOP_DOING, before(2)))
        } else if among(ES_REMOVE_ME, word) {
            // "sáquenme de la lista", not "sácame de una duda".
            let lists = ["lista listas base contactos mensajes envios"];
            then_noun(rest, &[ES_SKIP, "la su esta tu"], &lists, true)
        } else if among(ES_REMOVE, word) {
            matches!(rest, [mine, what, ..]
                if among("mi mis nuestro", mine) && among("numero telefono contacto datos", what))
        } else if among(ES_CANCEL, word) {
            then_noun(
                rest,
                &["la los las mi mis sus estos esos el de"],
                &[ES_MESSAGES],
                false,
            )
        } else {
            match (before(1), word) {
                ("no", "quiero" | "deseo" | "necesito") => {
                    let receive = has(w, "recibir");
                    then_noun(rest, &[ES_SKIP, "recibir mas"], &[ES_MESSAGES], receive)
                }
                ("no", "mas") => then_noun(rest, &[ES_SKIP, "recibir mas"], &[ES_MESSAGES], false),
                ("de", "baja") => da_de_baja(before(2), rest),
                _ => false,
            }
        }
    })
}

/// "darme de baja", "dar de baja mi número"; not "dar de baja mi carro viejo" (deregister
/// the car).
pub(super) fn da_de_baja(giver: &str, rest: &[&str]) -> bool {
    let mine = ["mi mis a este por favor de la su sus los"];
    let what = ["numero telefono lista suscripcion mensajes"];
    among("darme denme dame deme darnos doy damos", giver)
        || (among("dar den da", giver) && then_noun(rest, &mine, &what, true))
}

/// "no me envíen", "no nos llamen".
pub(super) fn told_not_to(w: &[&str], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).map_or("", |j| w[j]);
    before(1) == "no" || (among("me nos", before(1)) && before(2) == "no")
}

/// "no me escriban", "no me llames": nothing more said, so possibly only for now.
pub(super) fn no_me_contacten(w: &[&str]) -> bool {
    (0..w.len()).any(|i| {
        among(ES_SEND, w[i]) && told_not_to(w, i) && w[i + 1..].iter().all(|x| among(ES_SKIP, x))
    })
}

"""Writes locale-allauth/de/LC_MESSAGES/django.po: allauth's German texts in the
polite form ("Sie") where allauth's own catalogue says "du".

The portal's LOCALE_PATHS come before every app's catalogue, so these entries
win. Run after an allauth upgrade: it prints the "du" entries it does not cover
(left out on purpose: the OAuth provider's admin help texts, which citizens never
see, and "more than %d email addresses": one address per account here, and a
positional placeholder the catalogue check cannot format).

    .venv/bin/python tools/allauth_sie.py && DEBUG=true .venv/bin/python manage.py compilemessages -l de --ignore='.venv/*'
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import allauth

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.i18n.pofile import parse  # noqa: E402

SOURCE = Path(allauth.__file__).parent / "locale/de/LC_MESSAGES/django.po"
TARGET = ROOT / "locale-allauth/de/LC_MESSAGES/django.po"
DU = re.compile(
    r"\b(du|dein\w*|dich|dir|hast|bist|kannst|musst|willst|möchtest|solltest|wirst|klicke|klick|gib|gehe|"
    r"versuche|bestätige|melde|verwende|überprüfe|lass|habe|rufe|folge|erstelle)\b",
    re.IGNORECASE,
)

SIE = {
    "You cannot remove your primary email address.": "Sie können Ihre primäre E-Mail-Adresse nicht löschen.",
    "Please type your current password.": "Bitte geben Sie Ihr aktuelles Passwort ein.",
    "Too many failed login attempts. Try again later.": (
        "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später erneut."
    ),
    "Your primary email address must be verified.": "Ihre primäre E-Mail-Adresse muss bestätigt werden.",
    "Be patient, you are sending too many requests.": "Bitte haben Sie Geduld, Sie senden zu viele Anfragen.",
    "You must type the same password each time.": "Sie müssen zweimal dasselbe Passwort eingeben.",
    "You must type the same email each time.": "Sie müssen zweimal dieselbe E-Mail-Adresse eingeben.",
    "View your user ID": "Ihre Benutzer-ID ansehen",
    "View your email address": "Ihre E-Mail-Adresse ansehen",
    "View your basic profile information": "Ihre grundlegenden Profilinformationen ansehen",
    "An account already exists with this email address. Please sign in to that account first, then connect "
    "your %s account.": (
        "Es existiert bereits ein Konto mit dieser E-Mail-Adresse. Bitte melden Sie sich zuerst mit diesem "
        "Konto an und verknüpfen Sie es dann mit Ihrem %s-Konto."
    ),
    "Your account has no password set up.": "Für Ihr Konto wurde noch kein Passwort festgelegt.",
    "Your account has no verified email address.": "Ihr Konto hat keine bestätigte E-Mail-Adresse.",
    "Do you really want to remove the selected email address?": (
        "Möchten Sie die ausgewählte E-Mail-Adresse wirklich entfernen?"
    ),
    "You are receiving this email because you or someone else tried to signup for an\naccount using email "
    "address:\n\n%(email)s\n\nHowever, an account using that email address already exists.  In case you have\n"
    "forgotten about this, please use the password forgotten procedure to recover\nyour account:\n\n"
    "%(password_reset_url)s": (
        "Sie erhalten diese E-Mail, weil Sie oder jemand anderes versucht hat, ein Konto mit dieser "
        "E-Mail-Adresse anzulegen:\n\n%(email)s\n\nEs gibt jedoch bereits ein Konto mit dieser E-Mail-Adresse. "
        "Falls Sie das vergessen haben, setzen Sie bitte Ihr Passwort zurück, um Ihr Konto wieder zu nutzen:"
        "\n\n%(password_reset_url)s"
    ),
    "Thank you for using %(site_name)s!\n%(site_domain)s": (
        "Vielen Dank, dass Sie %(site_name)s nutzen!\n%(site_domain)s"
    ),
    "Please Confirm Your Email Address": "Bitte bestätigen Sie Ihre E-Mail-Adresse",
    "Your password has been changed.": "Ihr Passwort wurde geändert.",
    "You're receiving this email because you or someone else has requested a password reset for your user "
    "account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset "
    "your password.": (
        "Sie erhalten diese E-Mail, weil Sie oder jemand anderes das Zurücksetzen des Passworts für Ihr Konto "
        "angefordert hat.\nWenn Sie das nicht waren, können Sie diese E-Mail ignorieren. Öffnen Sie den "
        "folgenden Link, um Ihr Passwort zurückzusetzen."
    ),
    "In case you forgot, your username is %(username)s.": (
        "Falls Sie ihn vergessen haben: Ihr Anmeldename lautet %(username)s."
    ),
    "Your email address is still pending verification.": "Ihre E-Mail-Adresse ist noch nicht bestätigt.",
    'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for user %(user_display)s.': (
        'Bitte bestätigen Sie, dass <a href="mailto:%(email)s">%(email)s</a> eine E-Mail-Adresse von '
        "%(user_display)s ist."
    ),
    'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue a new email '
    "confirmation request</a>.": (
        'Dieser Bestätigungslink ist abgelaufen oder ungültig. Bitte <a href="%(email_url)s">fordern Sie eine '
        "neue Bestätigungs-E-Mail an</a>."
    ),
    "If you have not created an account yet, then please %(link)ssign up%(end_link)s first.": (
        "Sie haben noch kein Konto? Dann %(link)sregistrieren%(end_link)s Sie sich bitte zuerst."
    ),
    "Are you sure you want to sign out?": "Möchten Sie sich wirklich abmelden?",
    "You cannot remove your primary email address (%(email)s).": (
        "Sie können Ihre primäre E-Mail-Adresse (%(email)s) nicht löschen."
    ),
    "You have confirmed %(email)s.": "Sie haben die Adresse %(email)s bestätigt.",
    "You have signed out.": "Sie haben sich abgemeldet.",
    "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it.": (
        "Passwort vergessen? Geben Sie unten Ihre E-Mail-Adresse ein. Wir schicken Ihnen dann eine E-Mail, mit "
        "der Sie Ihr Passwort zurücksetzen können."
    ),
    "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact "
    "us if you do not receive it in a few minutes.": (
        "Wir haben Ihnen eine E-Mail geschickt. Wenn Sie sie nicht erhalten haben, sehen Sie bitte in Ihrem "
        "Spam-Ordner nach. Kommt sie auch in ein paar Minuten nicht an, melden Sie sich bitte bei uns."
    ),
    "The password reset link was invalid, possibly because it has already been used.  Please request a "
    '<a href="%(passwd_reset_url)s">new password reset</a>.': (
        "Der Link zum Zurücksetzen des Passworts ist ungültig, vielleicht wurde er schon benutzt. Bitte "
        '<a href="%(passwd_reset_url)s">fordern Sie einen neuen Link an</a>.'
    ),
    "Your password is now changed.": "Ihr Passwort wurde geändert.",
    "Your phone number is still pending verification.": "Ihre Telefonnummer ist noch nicht bestätigt.",
    "Already have an account? Then please %(link)ssign in%(end_link)s.": (
        "Sie haben bereits ein Konto? Dann %(link)smelden Sie sich bitte an%(end_link)s."
    ),
    "You are already logged in as %(user_display)s.": "Sie sind bereits als %(user_display)s angemeldet.",
    "You currently do not have any email address set up. You should really add an email address so you can "
    "receive notifications, reset your password, etc.": (
        "Sie haben zurzeit keine E-Mail-Adresse angegeben. Bitte fügen Sie eine hinzu, damit wir Sie "
        "benachrichtigen und Sie Ihr Passwort zurücksetzen können."
    ),
    "Verify Your Email Address": "Bestätigen Sie Ihre E-Mail-Adresse",
    "We have sent an email to you for verification. Follow the link provided to finalize the signup process. "
    "If you do not see the verification email in your main inbox, check your spam folder. Please contact us if "
    "you do not receive the verification email within a few minutes.": (
        "Wir haben Ihnen eine E-Mail geschickt, um Ihre Adresse zu bestätigen. Folgen Sie bitte dem Link in der "
        "E-Mail, um die Registrierung abzuschließen. Wenn Sie die E-Mail nicht in Ihrem Posteingang sehen, "
        "sehen Sie bitte in Ihrem Spam-Ordner nach. Kommt sie auch in ein paar Minuten nicht an, melden Sie "
        "sich bitte bei uns."
    ),
    "This part of the site requires us to verify that\nyou are who you claim to be. For this purpose, we "
    "require that you\nverify ownership of your email address. ": (
        "Für diesen Teil des Portals müssen wir sicher sein,\ndass Sie die Person sind, die Sie angeben.\n"
        "Dazu bestätigen Sie bitte Ihre E-Mail-Adresse. "
    ),
    "We have sent an email to you for\nverification. Please click on the link inside that email. If you do not "
    "see the verification email in your main inbox, check your spam folder. Otherwise\ncontact us if you do not "
    "receive it within a few minutes.": (
        "Wir haben Ihnen eine E-Mail geschickt, um Ihre\nAdresse zu bestätigen. Bitte öffnen Sie den Link in "
        "der E-Mail. Wenn Sie die E-Mail nicht in Ihrem Posteingang sehen, sehen Sie bitte in Ihrem "
        "Spam-Ordner nach. Kommt sie auch in ein paar Minuten\nnicht an, melden Sie sich bitte bei uns."
    ),
    '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email address</a>.': (
        '<strong>Hinweis:</strong> Sie können <a href="%(email_url)s">Ihre E-Mail-Adresse noch ändern</a>.'
    ),
    "%(client_name)s wants to access your %(site_name)s account.": (
        "%(client_name)s möchte auf Ihr Konto bei %(site_name)s zugreifen."
    ),
    "Enter the code displayed on your device.": "Geben Sie den Code ein, den Ihr Gerät anzeigt.",
    "Please confirm the code shown on your %(client_name)s to authorize this device.": (
        "Bitte bestätigen Sie den Code, den %(client_name)s anzeigt, um dieses Gerät zuzulassen."
    ),
    "You successfully authorized your %(client_name)s device.": (
        "Sie haben das Gerät %(client_name)s erfolgreich zugelassen."
    ),
    "Authorization for your %(client_name)s device has been denied.": (
        "Die Zulassung des Geräts %(client_name)s wurde abgelehnt."
    ),
    "You are about to generate a new set of recovery codes for your account.": (
        "Sie erzeugen gleich neue Wiederherstellungscodes für Ihr Konto."
    ),
    "You are about to deactivate authenticator app based authentication. Are you sure?": (
        "Sie schalten gleich die Anmeldung mit einer Authenticator-App ab. Sind Sie sicher?"
    ),
    "You are about to connect a new third-party account from %(provider)s.": (
        "Sie verknüpfen gleich ein neues Konto von %(provider)s."
    ),
    "You are about to sign in using a third-party account from %(provider)s.": (
        "Sie melden sich gleich mit einem Konto von %(provider)s an."
    ),
    "You decided to cancel logging in to our site using one of your existing accounts. If this was a mistake, "
    'please proceed to <a href="%(login_url)s">sign in</a>.': (
        "Sie haben die Anmeldung abgebrochen. Wenn das ein Versehen war, "
        '<a href="%(login_url)s">melden Sie sich bitte hier an</a>.'
    ),
    "You are about to use your %(provider_name)s account to login to\n%(site_name)s. As a final step, please "
    "complete the following form:": (
        "Sie melden sich mit Ihrem Konto bei %(provider_name)s bei\n%(site_name)s an. Bitte füllen Sie zum "
        "Abschluss das folgende Formular aus:"
    ),
}

HEADER = """# allauth's German texts in the polite form ("Sie"); written by tools/allauth_sie.py, do not edit.
msgid ""
msgstr ""
"Project-Id-Version: jobcenter-digital\\n"
"Language: de\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""


def quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{part}"' for part in parts)


def main() -> None:
    catalog = parse(SOURCE)
    out = [HEADER]
    for entry in catalog.entries:
        if not entry.msgid or not any(DU.search(text) for text in entry.msgstr.values()):
            continue
        if entry.msgid not in SIE:
            print(f"not covered: {entry.msgid!r}")
            continue
        flags = sorted(entry.flags - {"fuzzy"})
        if flags:
            out.append(f"#, {', '.join(flags)}")
        if entry.msgctxt is not None:
            out.append(f"msgctxt {quote(entry.msgctxt)}")
        out.append(f"msgid {quote(entry.msgid)}")
        out.append(f"msgstr {quote(SIE[entry.msgid])}\n")
    TARGET.write_text("\n".join(out), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

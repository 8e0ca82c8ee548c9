<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AbsenceDialog</name>
    <message>
        <location filename="../../desk_gui/ui/absence_dialog.py" line="+86"/>
        <source>Absence</source>
        <translation>Abwesenheit</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>&amp;Agent:</source>
        <translation>&amp;Agent:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;From:</source>
        <translation>&amp;Von:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Until (inclusive):</source>
        <translation>&amp;Bis (einschließlich):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Note:</source>
        <translation>&amp;Notiz:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open urgent and high tickets go to another member of the group.</source>
        <translation>Offene dringende und hohe Tickets gehen an ein anderes Mitglied der Gruppe.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Choose an agent.</source>
        <translation>Bitte einen Agenten wählen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The absence must end on or after its first day.</source>
        <translation>Die Abwesenheit muss am ersten Tag oder danach enden.</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <location filename="../../desk_gui/ui/actions.py" line="+34"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Templates and signature…</source>
        <translation>&amp;Vorlagen und Signatur…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Find tickets</source>
        <translation>Tickets &amp;suchen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Mailboxes…</source>
        <translation>&amp;Postfächer…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Absence…</source>
        <translation>&amp;Abwesenheit…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Trigger rules…</source>
        <translation>&amp;Trigger-Regeln…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Deutsch</source>
        <translation>Deutsch</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;About Desk</source>
        <translation>&amp;Über Desk</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../desk_gui/ui/app.py" line="+80"/>
        <source>Creating demo tickets…</source>
        <translation>Demo-Tickets werden angelegt…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Opening the store…</source>
        <translation>Datenbestand wird geöffnet…</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+41"/>
        <source>Desk</source>
        <translation>Desk</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Desk could not open the store: {error}</source>
        <translation>Desk konnte den Datenbestand nicht öffnen: {error}</translation>
    </message>
</context>
<context>
    <name>Attachments</name>
    <message>
        <location filename="../../desk_gui/ui/attachments.py" line="+71"/>
        <source>{name} is not a file.</source>
        <translation>{name} ist keine Datei.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{name} is attached already.</source>
        <translation>{name} ist bereits angehängt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{name} ({size}) is too large: this mailbox sends at most {limit} of attachments per mail.</source>
        <translation>{name} ({size}) ist zu groß: Dieses Postfach versendet höchstens {limit} an Anhängen pro E-Mail.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{n} attachment(s), {size}</source>
        <translation>{n} Anhang/Anhänge, {size}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(at most {limit})</source>
        <translation>(höchstens {limit})</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Remove {name}</source>
        <translation>{name} entfernen</translation>
    </message>
</context>
<context>
    <name>CollisionDialog</name>
    <message>
        <location filename="../../desk_gui/ui/collision_dialog.py" line="+40"/>
        <source>New messages in this ticket</source>
        <translation>Neue Nachrichten in diesem Ticket</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Since you started this reply, the ticket got {n} new message(s). Your reply has not been sent.</source>
        <translation>Seit Sie mit dieser Antwort begonnen haben, sind {n} neue Nachricht(en) im Ticket eingegangen. Ihre Antwort wurde nicht gesendet.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Send anyway</source>
        <translation>Trotzdem senden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit reply</source>
        <translation>Antwort bearbeiten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard reply</source>
        <translation>Antwort verwerfen</translation>
    </message>
</context>
<context>
    <name>CommandError</name>
    <message>
        <location filename="../../desk_gui/ui/settings_templates.py" line="+92"/>
        <source>that agent no longer exists</source>
        <translation>Diesen Agenten gibt es nicht mehr</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>that group no longer exists</source>
        <translation>Diese Gruppe gibt es nicht mehr</translation>
    </message>
    <message>
        <location filename="../../desk_gui/models/commands.py" line="+105"/>
        <location filename="../../desk_gui/sync/sla/assignment.py" line="+160"/>
        <source>ticket {ticket} does not exist</source>
        <translation>Ticket {ticket} gibt es nicht</translation>
    </message>
    <message>
        <location line="+293"/>
        <source>not a valid e-mail address: {address}</source>
        <translation>keine gültige E-Mail-Adresse: {address}</translation>
    </message>
    <message>
        <location line="+124"/>
        <source>a ticket needs a subject</source>
        <translation>ein Ticket braucht einen Betreff</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>group {group} does not exist</source>
        <translation>Gruppe {group} gibt es nicht</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>agent {agent} does not exist or is inactive</source>
        <translation>Agent {agent} gibt es nicht oder ist inaktiv</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>add_message takes mails and web forms; use notes or calls</source>
        <translation>add_message nimmt E-Mails und Webformulare an; für Notizen und Anrufe gibt es eigene Befehle</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>a note needs a text</source>
        <translation>eine Notiz braucht einen Text</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>a ticket in status {old} cannot become {new}</source>
        <translation>ein Ticket im Status {old} kann nicht {new} werden</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>set a follow-up date before parking the ticket</source>
        <translation>vor dem Zurückstellen ein Wiedervorlagedatum setzen</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>rejecting a ticket needs a reason</source>
        <translation>zum Ablehnen eines Tickets braucht es eine Begründung</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>the ticket was claimed by someone else meanwhile</source>
        <translation>das Ticket hat inzwischen jemand anderes übernommen</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>a follow-up date must lie in the future</source>
        <translation>ein Wiedervorlagedatum muss in der Zukunft liegen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>a closed ticket cannot be parked; reopen it first</source>
        <translation>ein geschlossenes Ticket kann nicht zurückgestellt werden; zuerst wieder öffnen</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>not a valid tag: {tag}</source>
        <translation>kein gültiges Schlagwort: {tag}</translation>
    </message>
    <message>
        <location filename="../../desk_gui/models/reply_commands.py" line="+89"/>
        <source>queued</source>
        <translation>in der Warteschlange</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>being sent</source>
        <translation>im Versand</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>sent</source>
        <translation>versandt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelled</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>line breaks are not allowed in {what} (header injection refused): {value}</source>
        <translation>Zeilenumbrüche sind in {what} nicht erlaubt (Header-Injection abgewiesen): {value}</translation>
    </message>
    <message>
        <location line="+84"/>
        <location line="+297"/>
        <location line="+145"/>
        <source>mailbox {mailbox} does not exist</source>
        <translation>Postfach {mailbox} gibt es nicht</translation>
    </message>
    <message>
        <location line="-420"/>
        <source>no mailbox to send {ticket} from: configure one with &apos;desk-gui mailbox set NAME --smtp-host HOST --from ADDRESS&apos;</source>
        <translation>kein Postfach, aus dem {ticket} gesendet werden kann: eines einrichten mit &apos;desk-gui mailbox set NAME --smtp-host HOST --from ADRESSE&apos;</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>mailbox {mailbox} cannot send: set --smtp-host and --from with &apos;desk-gui mailbox set&apos;</source>
        <translation>Postfach {mailbox} kann nicht senden: --smtp-host und --from mit &apos;desk-gui mailbox set&apos; setzen</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>the subject</source>
        <translation>dem Betreff</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the sender&apos;s name</source>
        <translation>dem Absendernamen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{ticket} has no customer address: give a recipient</source>
        <translation>{ticket} hat keine Kundenadresse: bitte einen Empfänger angeben</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>an attachment&apos;s file name</source>
        <translation>dem Dateinamen eines Anhangs</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>an attachment&apos;s content type</source>
        <translation>dem Inhaltstyp eines Anhangs</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>attachments total {total} bytes; mailbox {mailbox} allows {limit}</source>
        <translation>Anhänge zusammen {total} Bytes; Postfach {mailbox} erlaubt {limit}</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>a reply needs a text</source>
        <translation>eine Antwort braucht einen Text</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+40"/>
        <location line="+39"/>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <location line="-71"/>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bcc</source>
        <translation>Bcc</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>no outgoing mail {mail}</source>
        <translation>keine ausgehende E-Mail {mail}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>that mail is being sent right now; it can no longer be changed</source>
        <translation>diese E-Mail wird gerade gesendet und kann nicht mehr geändert werden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>that mail was sent already</source>
        <translation>diese E-Mail wurde bereits gesendet</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>that mail is {state}; only failed or queued mail</source>
        <translation>diese E-Mail ist {state}; das geht nur bei fehlgeschlagenen oder wartenden E-Mails</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>not a template name: {name} (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;)</source>
        <translation>kein Vorlagenname: {name} (Buchstaben, Ziffern, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>not a language code: {language} (like de or en)</source>
        <translation>kein Sprachcode: {language} (wie de oder en)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>a template subject</source>
        <translation>einem Vorlagenbetreff</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a template needs a text</source>
        <translation>eine Vorlage braucht einen Text</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>unknown placeholder(s): {unknown} (known: {known})</source>
        <translation>unbekannte Platzhalter: {unknown} (bekannt: {known})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>an acknowledgement needs a subject or {placeholder}</source>
        <translation>eine Eingangsbestätigung braucht einen Betreff oder {placeholder}</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>no template {name}{which}</source>
        <translation>keine Vorlage {name}{which}</translation>
    </message>
    <message>
        <location filename="../../desk_gui/sync/sla/assignment.py" line="+4"/>
        <source>{ticket} has no group to pick an agent from</source>
        <translation>{ticket} hat keine Gruppe, aus der ein Agent gewählt werden könnte</translation>
    </message>
    <message>
        <location filename="../../desk_gui/sync/presence.py" line="+85"/>
        <source>{agent} is replying to this ticket; your reply is kept as a draft</source>
        <translation>{agent} antwortet gerade auf dieses Ticket; Ihre Antwort bleibt als Entwurf erhalten</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>another agent took over replying to this ticket while yours was paused; read the thread again before you send</source>
        <translation>eine Kollegin oder ein Kollege hat die Antwort auf dieses Ticket übernommen, während Ihre ruhte; bitte lesen Sie den Verlauf noch einmal, bevor Sie senden</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{agent} is replying to this ticket; send yours once they are done</source>
        <translation>{agent} antwortet gerade auf dieses Ticket; senden Sie Ihre Antwort, sobald diese fertig ist</translation>
    </message>
</context>
<context>
    <name>EngineRunner</name>
    <message>
        <location filename="../../desk_gui/ui/engine_runner.py" line="+156"/>
        <source>Sync</source>
        <translation>Abgleich</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../desk_gui/ui/labels.py" line="+35"/>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow-up</source>
        <translation>Wiedervorlage</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for customer</source>
        <translation>Warten auf Kunde</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolved</source>
        <translation>Gelöst</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Urgent</source>
        <translation>Dringend</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Inbound mail</source>
        <translation>Eingehende E-Mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outbound mail</source>
        <translation>Ausgehende E-Mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Internal note</source>
        <translation>Interne Notiz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone call</source>
        <translation>Telefonat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Web form</source>
        <translation>Webformular</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System event</source>
        <translation>Systemereignis</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>reached</source>
        <translation>erreicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not reached</source>
        <translation>nicht erreicht</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Web</source>
        <translation>Web</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Counter</source>
        <translation>Schalter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Incident</source>
        <translation>Störung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Service request</source>
        <translation>Serviceanfrage</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No contract</source>
        <translation>Kein Vertrag</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Silver</source>
        <translation>Silber</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gold</source>
        <translation>Gold</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Platinum</source>
        <translation>Platin</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tag</source>
        <translation>Schlagwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Watcher</source>
        <translation>Beobachter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow-up date</source>
        <translation>Wiedervorlagedatum</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolved at</source>
        <translation>Gelöst am</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closed at</source>
        <translation>Geschlossen am</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>First response</source>
        <translation>Erste Antwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>HH:mm</source>
        <translation>HH:mm</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ddd, MMM d yyyy, HH:mm</source>
        <translation>ddd, dd. MMM yyyy, HH:mm</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ddd, MMM d yyyy</source>
        <translation>ddd, dd. MMM yyyy</translation>
    </message>
</context>
<context>
    <name>ListPresence</name>
    <message>
        <location filename="../../desk_gui/ui/list_presence.py" line="+106"/>
        <source>{agent} is replying to this ticket</source>
        <translation>{agent} antwortet gerade auf dieses Ticket</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open at: {agents}</source>
        <translation>Geöffnet bei: {agents}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Who else is replying to or has the ticket open right now</source>
        <translation>Wer außer Ihnen gerade auf das Ticket antwortet oder es geöffnet hat</translation>
    </message>
</context>
<context>
    <name>MailboxForm</name>
    <message>
        <location filename="../../desk_gui/ui/mailbox_settings.py" line="+61"/>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>None (unencrypted)</source>
        <translation>Keine (unverschlüsselt)</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Edit mailbox</source>
        <translation>Postfach bearbeiten</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add mailbox</source>
        <translation>Postfach hinzufügen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>IMAP &amp;server:</source>
        <translation>IMAP-&amp;Server:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>S&amp;ecurity:</source>
        <translation>S&amp;icherheit:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Folder:</source>
        <translation>&amp;Ordner:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mo&amp;ve processed mail to:</source>
        <translation>Verarbeitete Mail &amp;verschieben nach:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>empty: keep mail in the folder</source>
        <translation>leer: Mail bleibt im Ordner</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Once Desk has filed a mail as a ticket, it moves the mail to this folder (created if needed), so the fetched folder does not keep growing.</source>
        <translation>Sobald Desk eine Mail als Ticket abgelegt hat, verschiebt es sie in diesen Ordner (wird bei Bedarf angelegt), damit der abgerufene Ordner nicht immer weiter wächst.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Group:</source>
        <translation>&amp;Gruppe:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>imap.example.com</source>
        <translation>imap.example.com</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. support</source>
        <translation>z. B. support</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kept in the system keyring, never in a file.</source>
        <translation>Wird im Schlüsselbund des Systems gespeichert, nie in einer Datei.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No secure keyring on this system: the password is kept for this session only and asked for again after a restart.</source>
        <translation>Kein sicherer Schlüsselbund auf diesem System: Das Passwort gilt nur für diese Sitzung und wird nach einem Neustart erneut abgefragt.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>A mailbox keeps its name; remove and add it to rename.</source>
        <translation>Ein Postfach behält seinen Namen; zum Umbenennen entfernen und neu hinzufügen.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Default ({port})</source>
        <translation>Standard ({port})</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>A password is needed.</source>
        <translation>Ein Passwort ist nötig.</translation>
    </message>
</context>
<context>
    <name>MailboxSettingsDialog</name>
    <message>
        <location line="-193"/>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unencrypted</source>
        <translation>unverschlüsselt</translation>
    </message>
    <message>
        <location line="+216"/>
        <source>Mailbox</source>
        <translation>Postfach</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ingested</source>
        <translation>Abgeholt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last success</source>
        <translation>Zuletzt erfolgreich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Mailboxes</source>
        <translation>Postfächer</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Desk fetches new mail from these IMAP mailboxes and files every message as a ticket or into its thread.</source>
        <translation>Desk holt neue E-Mails aus diesen IMAP-Postfächern ab und legt jede Nachricht als Ticket oder in ihrem Verlauf ab.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&lt;b&gt;No secure keyring on this system.&lt;/b&gt; Passwords you enter are kept for this session only and asked for again after a restart; Desk never writes them to a file. For a headless service, see &lt;i&gt;desk-gui mailbox add --env-secret&lt;/i&gt;.</source>
        <translation>&lt;b&gt;Kein sicherer Schlüsselbund auf diesem System.&lt;/b&gt; Eingegebene Passwörter gelten nur für diese Sitzung und werden nach einem Neustart erneut abgefragt; Desk schreibt sie nie in eine Datei. Für einen Dienst ohne Oberfläche siehe &lt;i&gt;desk-gui mailbox add --env-secret&lt;/i&gt;.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep</source>
        <translation>Behalten</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>User: {user}
Folder: {folder}</source>
        <translation>Benutzer: {user}
Ordner: {folder}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Processed mail moved to: {folder}</source>
        <translation>Verarbeitete Mail verschoben nach: {folder}</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Environment</source>
        <translation>Umgebungsvariable</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Missing</source>
        <translation>Fehlt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This session only</source>
        <translation>Nur diese Sitzung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keyring</source>
        <translation>Schlüsselbund</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>“{name}”: not fetching since {when}. {reason}</source>
        <translation>„{name}“: kein Abruf seit {when}. {reason}</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Remove the mailbox “{name}”? Its tickets stay.</source>
        <translation>Postfach „{name}“ entfernen? Seine Tickets bleiben erhalten.</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n mail(s) were fetched from it. Desk remembers them, so adding the mailbox again later never makes a ticket twice.</source>
        <translation>
            <numerusform>%n E-Mail wurde daraus abgeholt. Desk merkt sie sich, sodass ein späteres erneutes Hinzufügen nie ein Ticket doppelt anlegt.</numerusform>
            <numerusform>%n E-Mails wurden daraus abgeholt. Desk merkt sie sich, sodass ein späteres erneutes Hinzufügen nie ein Ticket doppelt anlegt.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Not removed: {reason}</source>
        <translation>Nicht entfernt: {reason}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Connecting to “{name}”…</source>
        <translation>Verbinde mit „{name}“…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>“{name}”: connection failed. {reason}</source>
        <translation>„{name}“: Verbindung fehlgeschlagen. {reason}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>“{name}”: connected to {host}:{port} ({security}) as {user}.</source>
        <translation>„{name}“: verbunden mit {host}:{port} ({security}) als {user}.</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Folder {folder}: %n message(s).</source>
        <translation>
            <numerusform>Ordner {folder}: %n Nachricht.</numerusform>
            <numerusform>Ordner {folder}: %n Nachrichten.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Server offers: {offered}.</source>
        <translation>Der Server bietet: {offered}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Without IDLE, new mail is polled every minute.</source>
        <translation>Ohne IDLE wird jede Minute nach neuer Post gesehen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not offered: {missing}.</source>
        <translation>Nicht angeboten: {missing}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The folder {folder} for processed mail cannot be created: {error}</source>
        <translation>Der Ordner {folder} für verarbeitete Mail kann nicht angelegt werden: {error}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The server can move no mail (neither MOVE nor UIDPLUS): processed mail stays in {folder}.</source>
        <translation>Der Server kann keine Mail verschieben (weder MOVE noch UIDPLUS): Verarbeitete Mail bleibt in {folder}.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Processed mail is moved to {folder}.</source>
        <translation>Verarbeitete Mail wird nach {folder} verschoben.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The folder was created.</source>
        <translation>Der Ordner wurde angelegt.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desk_gui/ui/main_window.py" line="+204"/>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something went wrong: {error}</source>
        <translation>Etwas ist schiefgegangen: {error}</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>About Desk</source>
        <translation>Über Desk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Desk: a desktop service desk with a local-first store.</source>
        <translation>Desk: ein Service Desk für den Desktop mit lokalem Datenbestand.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Desk</source>
        <translation>Desk</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{view} — Desk</source>
        <translation>{view} — Desk</translation>
    </message>
</context>
<context>
    <name>Navigation</name>
    <message>
        <location filename="../../desk_gui/ui/navigation.py" line="+30"/>
        <source>My tickets</source>
        <translation>Meine Tickets</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unassigned</source>
        <translation>Nicht zugewiesen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All open</source>
        <translation>Alle offenen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow-ups</source>
        <translation>Wiedervorlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Due soon</source>
        <translation>Bald fällig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Breached</source>
        <translation>Verletzt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All tickets</source>
        <translation>Alle Tickets</translation>
    </message>
</context>
<context>
    <name>NotificationBell</name>
    <message numerus="yes">
        <location filename="../../desk_gui/ui/notifications.py" line="+183"/>
        <source>%n new notification(s)</source>
        <translation>
            <numerusform>%n neue Benachrichtigung</numerusform>
            <numerusform>%n neue Benachrichtigungen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The newest: {notification}</source>
        <translation>Die neueste: {notification}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{actor} mentioned you in {ticket}</source>
        <translation>{actor} hat Sie in {ticket} erwähnt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{actor} wrote in {ticket}</source>
        <translation>{actor} hat in {ticket} geschrieben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Someone</source>
        <translation>Jemand</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{n} unread notification(s)</source>
        <translation>{n} ungelesene Benachrichtigung(en)</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <source>No unread notifications</source>
        <translation>Keine ungelesenen Benachrichtigungen</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Mark all as read</source>
        <translation>Alle als gelesen markieren</translation>
    </message>
</context>
<context>
    <name>NotifyMail</name>
    <message>
        <location filename="../../desk_gui/sync/mail_out/notify_mail.py" line="+170"/>
        <source>{actor} mentioned you: {subject}</source>
        <translation>{actor} hat Sie erwähnt: {subject}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{actor} wrote: {subject}</source>
        <translation>{actor} hat geschrieben: {subject}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{actor} mentioned you in {ticket}: {subject}</source>
        <translation>{actor} hat Sie in {ticket} erwähnt: {subject}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{actor} wrote in {ticket}: {subject}</source>
        <translation>{actor} hat in {ticket} geschrieben: {subject}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>You receive this mail because you were mentioned in a note.</source>
        <translation>Sie erhalten diese Nachricht, weil Sie in einer internen Notiz erwähnt wurden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You receive this mail because you are watching this ticket.</source>
        <translation>Sie erhalten diese Nachricht, weil Sie dieses Ticket beobachten.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Time: {when}</source>
        <translation>Zeitpunkt: {when}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Someone</source>
        <translation>Jemand</translation>
    </message>
</context>
<context>
    <name>Outbox</name>
    <message>
        <location filename="../../desk_gui/ui/outbox_panel.py" line="+82"/>
        <source>Waiting to send again ({n} attempts): {reason}</source>
        <translation>Wartet auf erneuten Versand ({n} Versuche): {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Queued: goes out with the next send</source>
        <translation>Im Postausgang: geht mit dem nächsten Versand hinaus</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sending…</source>
        <translation>Wird gesendet…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sent {when}</source>
        <translation>Gesendet {when}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not sent: {reason}</source>
        <translation>Nicht gesendet: {reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancelled</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <location line="+111"/>
        <source>Retry</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Put the mail back into the queue, unchanged</source>
        <translation>Die E-Mail unverändert wieder in den Postausgang stellen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open the mail in the editor; sending it replaces this one</source>
        <translation>Die E-Mail im Editor öffnen; beim Senden ersetzt sie diese</translation>
    </message>
</context>
<context>
    <name>PropertiesPanel</name>
    <message>
        <location filename="../../desk_gui/ui/properties_panel.py" line="+143"/>
        <location line="+50"/>
        <source>— no group —</source>
        <translation>— keine Gruppe —</translation>
    </message>
    <message>
        <location line="-46"/>
        <location line="+48"/>
        <source>— unassigned —</source>
        <translation>— nicht zugewiesen —</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Due {when}</source>
        <translation>Fällig {when}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No follow-up date</source>
        <translation>Keine Wiedervorlage</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Follow-up</source>
        <translation>Wiedervorlage</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Park until then</source>
        <translation>Bis dahin zurückstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear</source>
        <translation>Aufheben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New tag</source>
        <translation>Neues Schlagwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove selected tag</source>
        <translation>Markiertes Schlagwort entfernen</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Reject ticket</source>
        <translation>Ticket ablehnen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why is this ticket rejected?</source>
        <translation>Warum wird dieses Ticket abgelehnt?</translation>
    </message>
</context>
<context>
    <name>Reason</name>
    <message>
        <location filename="../../desk_gui/models/reason.py" line="+82"/>
        <source>{first}; {second}</source>
        <translation>{first}; {second}</translation>
    </message>
    <message>
        <location filename="../../desk_gui/models/reply_commands.py" line="-132"/>
        <source>cancelled by {actor}</source>
        <translation>abgebrochen von {actor}</translation>
    </message>
    <message>
        <location filename="../../desk_gui/sync/mail_in/admin.py" line="+165"/>
        <source>a mailbox needs a name, an IMAP host and a user</source>
        <translation>ein Postfach braucht einen Namen, einen IMAP-Server und einen Benutzer</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not a port: {port}</source>
        <translation>kein Port: {port}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the folder must not be empty</source>
        <translation>der Ordner darf nicht leer sein</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the processed folder must differ from the fetched folder {folder}</source>
        <translation>der Ordner für verarbeitete Mail muss ein anderer sein als der abgerufene Ordner {folder}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the processed folder name is too long</source>
        <translation>der Name des Ordners für verarbeitete Mail ist zu lang</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>no group {name} (groups: {names})</source>
        <translation>keine Gruppe {name} (Gruppen: {names})</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+188"/>
        <source>none yet</source>
        <translation>noch keine</translation>
    </message>
    <message>
        <location line="-160"/>
        <source>a password is needed</source>
        <translation>ein Passwort wird benötigt</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>a mailbox {name} exists already</source>
        <translation>ein Postfach {name} gibt es schon</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>the password must not be empty</source>
        <translation>das Passwort darf nicht leer sein</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>no mailbox {name} (mailboxes: {names})</source>
        <translation>kein Postfach {name} (Postfächer: {names})</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>authentication failed for {user} at {where} (server: {answer})</source>
        <translation>Anmeldung von {user} bei {where} fehlgeschlagen (Server: {answer})</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>connection refused by {where} (is the host and port right, is it running?)</source>
        <translation>Verbindung von {where} abgelehnt (stimmen Server und Port, läuft der Server?)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>host {host} not found ({error})</source>
        <translation>Server {host} nicht gefunden ({error})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>TLS error with {where} ({error}); check --security (ssl on port 993, starttls on 143) and the server&apos;s certificate</source>
        <translation>TLS-Fehler mit {where} ({error}); Verschlüsselung prüfen (SSL auf Port 993, STARTTLS auf 143) und das Zertifikat des Servers</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>no answer from {where} (timed out)</source>
        <translation>keine Antwort von {where} (Zeitüberschreitung)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{error}: give it with &apos;desk-gui mailbox password {name}&apos; or set {var}</source>
        <translation>{error}: mit „desk-gui mailbox password {name}“ angeben oder {var} setzen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>mail is fetched but not moved to {folder}; retried later ({error})</source>
        <translation>Mail wird abgerufen, aber nicht nach {folder} verschoben; wird später erneut versucht ({error})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where}: {error}</source>
        <translation>{where}: {error}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>folder {folder} not found on the server ({answer})</source>
        <translation>Ordner {folder} auf dem Server nicht gefunden ({answer})</translation>
    </message>
    <message>
        <location filename="../../desk_gui/sync/mail_out/compose.py" line="+76"/>
        <source>line break in the {name} header refused (header injection)</source>
        <translation>Zeilenumbruch im Kopffeld {name} abgelehnt (Header-Injection)</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>not a mail address: {addr} ({error})</source>
        <translation>keine Mailadresse: {addr} ({error})</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>the message or the mailbox&apos;s sender address is gone</source>
        <translation>die Nachricht oder die Absenderadresse des Postfachs gibt es nicht mehr</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>the message or its mailbox is gone</source>
        <translation>die Nachricht oder ihr Postfach gibt es nicht mehr</translation>
    </message>
    <message>
        <location filename="../../desk_gui/sync/mail_out/sender.py" line="+91"/>
        <source>mailbox {name} has no SMTP host</source>
        <translation>Postfach {name} hat keinen SMTP-Server</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>no SMTP password stored for mailbox {name}</source>
        <translation>für Postfach {name} ist kein SMTP-Passwort gespeichert</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>interrupted while sending: checking the Sent folder before sending again</source>
        <translation>beim Senden unterbrochen: vor dem erneuten Senden wird im Ordner „Gesendet“ nachgesehen</translation>
    </message>
    <message>
        <location line="+210"/>
        <source>mailbox {name} has no sender address</source>
        <translation>Postfach {name} hat keine Absenderadresse</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>some recipients refused: {who}</source>
        <translation>einige Empfänger abgelehnt: {who}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no copy in Sent: {error}</source>
        <translation>keine Kopie in „Gesendet“: {error}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the outgoing mail was removed</source>
        <translation>die ausgehende Mail wurde entfernt</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>interrupted while sending and the mailbox has no IMAP Sent folder to check: it may have been sent; look, then retry or cancel</source>
        <translation>beim Senden unterbrochen, und das Postfach hat keinen IMAP-Ordner „Gesendet“ zum Nachsehen: vielleicht wurde sie gesendet; bitte nachsehen, dann erneut senden oder abbrechen</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>cannot check the Sent folder: {error}</source>
        <translation>im Ordner „Gesendet“ kann nicht nachgesehen werden: {error}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>found in the Sent folder</source>
        <translation>im Ordner „Gesendet“ gefunden</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>SMTP login refused: {answer}</source>
        <translation>SMTP-Anmeldung abgelehnt: {answer}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SMTP server refused: {answer}</source>
        <translation>SMTP-Server hat abgelehnt: {answer}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>cannot reach the SMTP server {where}: {error}</source>
        <translation>SMTP-Server {where} nicht erreichbar: {error}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>recipients deferred: {who}</source>
        <translation>Empfänger zurückgestellt: {who}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>recipients refused: {who}</source>
        <translation>Empfänger abgelehnt: {who}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>server said: {answer}</source>
        <translation>Server meldet: {answer}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>server refused: {answer}</source>
        <translation>Server hat abgelehnt: {answer}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>connection lost while sending: {error}</source>
        <translation>Verbindung beim Senden verloren: {error}</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>gave up after {n} attempts: {last}</source>
        <translation>nach {n} Versuchen aufgegeben: {last}</translation>
    </message>
    <message>
        <location filename="../../desk_gui/sync/sla/assignment.py" line="-132"/>
        <source>{ticket}: assigned to you</source>
        <translation>{ticket}: Ihnen zugewiesen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{ticket}: {name} is absent and nobody in the group can take it</source>
        <translation>{ticket}: {name} ist abwesend, und niemand in der Gruppe kann übernehmen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{ticket}: handed over to you, {name} is absent</source>
        <translation>{ticket}: an Sie übergeben, {name} ist abwesend</translation>
    </message>
    <message>
        <location filename="../../desk_gui/sync/sla/reminders.py" line="+68"/>
        <source>{ticket}: follow-up date reached, the ticket is open again</source>
        <translation>{ticket}: Wiedervorlage erreicht, das Ticket ist wieder offen</translation>
    </message>
    <message>
        <location filename="../../desk_gui/sync/sla/triggers.py" line="+402"/>
        <source>{ticket}: rule {rule}</source>
        <translation>{ticket}: Regel {rule}</translation>
    </message>
</context>
<context>
    <name>ReplyEditor</name>
    <message>
        <location filename="../../desk_gui/ui/reply_editor.py" line="+328"/>
        <source>The draft could not be saved: {error}</source>
        <translation>Der Entwurf konnte nicht gespeichert werden: {error}</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>Draft restored</source>
        <translation>Entwurf wiederhergestellt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Attachments no longer there: {names}</source>
        <translation>Anhänge nicht mehr vorhanden: {names}</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>Notes have no attachments: switch to a public reply.</source>
        <translation>Notizen haben keine Anhänge: Wechseln Sie zu einer öffentlichen Antwort.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Attach files</source>
        <translation>Dateien anhängen</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+353"/>
        <source>Insert image</source>
        <translation>Bild einfügen</translation>
    </message>
    <message>
        <location line="-353"/>
        <source>Images (*.png *.jpg *.jpeg *.gif *.bmp)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.gif *.bmp)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not an image: {name}</source>
        <translation>Kein Bild: {name}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Insert link</source>
        <translation>Link einfügen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Address (URL):</source>
        <translation>Adresse (URL):</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>There is no customer message to quote.</source>
        <translation>Es gibt keine Kundennachricht zum Zitieren.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>On {when}, {who} wrote:</source>
        <translation>Am {when} schrieb {who}:</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>No template named {name}.</source>
        <translation>Keine Vorlage namens {name}.</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Draft saved {when}</source>
        <translation>Entwurf gespeichert {when}</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Not sent: {reason}</source>
        <translation>Nicht gesendet: {reason}</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>{agent} is replying to this ticket. Your text is kept as a draft; you can send it once they are done.</source>
        <translation>{agent} antwortet gerade auf dieses Ticket. Ihr Text bleibt als Entwurf erhalten; Sie können ihn senden, sobald die Antwort fertig ist.</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Queued: the reply goes out with the next send</source>
        <translation>Im Postausgang: Die Antwort geht mit dem nächsten Versand hinaus</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Note added</source>
        <translation>Notiz hinzugefügt</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Public reply</source>
        <translation>Öffentliche Antwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A mail to the customer</source>
        <translation>Eine E-Mail an den Kunden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Internal note</source>
        <translation>Interne Notiz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only agents see notes; @name notifies a colleague</source>
        <translation>Nur Bearbeiter sehen Notizen; @Name benachrichtigt einen Kollegen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Internal note: only agents see it</source>
        <translation>Interne Notiz: nur für Bearbeiter sichtbar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The customer receives this reply</source>
        <translation>Der Kunde erhält diese Antwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To:</source>
        <translation>An:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cc:</source>
        <translation>Cc:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bcc:</source>
        <translation>Bcc:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cc/Bcc</source>
        <translation>Cc/Bcc</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The customer</source>
        <translation>Der Kunde</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paragraph</source>
        <translation>Absatz</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Heading 1</source>
        <translation>Überschrift 1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Heading 2</source>
        <translation>Überschrift 2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Heading 3</source>
        <translation>Überschrift 3</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bold (Ctrl+B)</source>
        <translation>Fett (Strg+B)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Italic (Ctrl+I)</source>
        <translation>Kursiv (Strg+I)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Underline (Ctrl+U)</source>
        <translation>Unterstrichen (Strg+U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bulleted list</source>
        <translation>Aufzählung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Numbered list</source>
        <translation>Nummerierte Liste</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quote block</source>
        <translation>Zitatblock</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Link (Ctrl+K)</source>
        <translation>Link (Strg+K)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quote the customer&apos;s last message (Ctrl+Shift+Q)</source>
        <translation>Die letzte Nachricht des Kunden zitieren (Strg+Umschalt+Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attach files (or drop them here)</source>
        <translation>Dateien anhängen (oder hierher ziehen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send (Ctrl+Enter)</source>
        <translation>Senden (Strg+Eingabe)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Link</source>
        <translation>Link</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quote message</source>
        <translation>Nachricht zitieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attach…</source>
        <translation>Anhängen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add note</source>
        <translation>Notiz hinzufügen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Send reply</source>
        <translation>Antwort senden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ctrl+Enter</source>
        <translation>Strg+Eingabe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A note for your colleagues; the customer never sees it. @name notifies.</source>
        <translation>Eine Notiz für Ihre Kollegen; der Kunde sieht sie nie. @Name benachrichtigt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Write your reply… (type :: and a name for a template)</source>
        <translation>Ihre Antwort… (:: und ein Name fügt eine Vorlage ein)</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../desk_gui/ui/search_box.py" line="+41"/>
        <source>Search subject, text or #number in this view</source>
        <translation>Betreff, Text oder #Nummer in dieser Ansicht suchen</translation>
    </message>
</context>
<context>
    <name>SlaAlerts</name>
    <message>
        <location filename="../../desk_gui/ui/sla_alerts.py" line="+93"/>
        <source>SLA warning: {ticket}</source>
        <translation>SLA-Warnung: {ticket}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SLA breached: {ticket}</source>
        <translation>SLA verletzt: {ticket}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SLA escalation: {ticket}</source>
        <translation>SLA-Eskalation: {ticket}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Follow-up due: {ticket}</source>
        <translation>Wiedervorlage fällig: {ticket}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hand-over: {ticket}</source>
        <translation>Übergabe: {ticket}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assigned to you: {ticket}</source>
        <translation>Ihnen zugewiesen: {ticket}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rule: {ticket}</source>
        <translation>Regel: {ticket}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Unread alerts: {n}</source>
        <translation>Ungelesene Hinweise: {n}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The newest: {alert}</source>
        <translation>Der neueste: {alert}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{target}: level {level} ({policy})</source>
        <translation>{target}: Stufe {level} ({policy})</translation>
    </message>
</context>
<context>
    <name>SlaPanel</name>
    <message>
        <location filename="../../desk_gui/ui/sla_panel.py" line="+37"/>
        <source>First response</source>
        <translation>Erste Antwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next response</source>
        <translation>Nächste Antwort</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resolution</source>
        <translation>Lösung</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{h} h {m:02d} min</source>
        <translation>{h} Std. {m:02d} Min.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{m} min</source>
        <translation>{m} Min.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>met</source>
        <translation>eingehalten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>paused, {time} left</source>
        <translation>pausiert, noch {time}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>overdue by {time}</source>
        <translation>seit {time} überfällig</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{time} left</source>
        <translation>noch {time}</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>SLA {policy}:</source>
        <translation>SLA {policy}:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Due {when}</source>
        <translation>Fällig {when}</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../desk_gui/ui/status_bar.py" line="+69"/>
        <source>counting…</source>
        <translation>wird gezählt…</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%Ln ticket(s)</source>
        <translation>
            <numerusform>%Ln Ticket</numerusform>
            <numerusform>%Ln Tickets</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n background job(s)</source>
        <translation>
            <numerusform>%n Hintergrundaufgabe</numerusform>
            <numerusform>%n Hintergrundaufgaben</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Agent:</source>
        <translation>Bearbeiter:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who you are: My tickets and your changes use this agent</source>
        <translation>Wer Sie sind: „Meine Tickets“ und Ihre Änderungen gelten für diesen Bearbeiter</translation>
    </message>
</context>
<context>
    <name>SyncProgress</name>
    <message>
        <location filename="../../desk_gui/ui/sync_progress.py" line="+90"/>
        <source>Importing mail: {done} of {total}</source>
        <translation>E-Mails werden übernommen: {done} von {total}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{mailboxes}: {rate} mails per second</source>
        <translation>{mailboxes}: {rate} E-Mails pro Sekunde</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>{name}: failing</source>
        <translation>{name}: Fehler</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Mail: %n problem(s)</source>
        <translation>
            <numerusform>E-Mail: %n Problem</numerusform>
            <numerusform>E-Mail: %n Probleme</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Click to open the mailbox settings.</source>
        <translation>Klicken, um die Postfach-Einstellungen zu öffnen.</translation>
    </message>
</context>
<context>
    <name>TemplatePicker</name>
    <message>
        <location filename="../../desk_gui/ui/template_picker.py" line="+105"/>
        <source>No templates yet (File → Templates and signature…)</source>
        <translation>Noch keine Vorlagen (Datei → Vorlagen und Signatur…)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Templates</source>
        <translation>Vorlagen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Insert a template (or type :: and its name)</source>
        <translation>Eine Vorlage einfügen (oder :: und ihren Namen tippen)</translation>
    </message>
</context>
<context>
    <name>TemplateSettings</name>
    <message>
        <location filename="../../desk_gui/ui/settings_templates.py" line="+240"/>
        <location line="+30"/>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Templates, signature and layouts</source>
        <translation>Vorlagen, Signatur und Layouts</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Templates</source>
        <translation>Vorlagen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>My signature</source>
        <translation>Meine Signatur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Department layouts</source>
        <translation>Layouts der Abteilungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind:</source>
        <translation>Art:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject:</source>
        <translation>Betreff:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text module (:: in the editor)</source>
        <translation>Textbaustein (:: im Editor)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic acknowledgement</source>
        <translation>Automatische Eingangsbestätigung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Insert placeholder…</source>
        <translation>Platzhalter einfügen…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save template</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Added below every reply you send. Placeholders such as {{agent.name}} are filled in.</source>
        <translation>Steht unter jeder Antwort, die Sie senden. Platzhalter wie {{agent.name}} werden ausgefüllt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save signature</source>
        <translation>Signatur speichern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Department:</source>
        <translation>Abteilung:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The HTML document around every mail of this department; {{content}} marks where the reply goes (else it goes before &lt;/body&gt;).</source>
        <translation>Das HTML-Dokument um jede E-Mail dieser Abteilung; {{content}} markiert, wo die Antwort steht (sonst vor &lt;/body&gt;).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save layout</source>
        <translation>Layout speichern</translation>
    </message>
</context>
<context>
    <name>ThreadRender</name>
    <message>
        <location filename="../../desk_gui/ui/thread_render.py" line="+42"/>
        <source>No messages yet.</source>
        <translation>Noch keine Nachrichten.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Subject:</source>
        <translation>Betreff:</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>To: {addresses}</source>
        <translation>An: {addresses}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cc: {addresses}</source>
        <translation>Cc: {addresses}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>From: {address}</source>
        <translation>Von: {address}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Nobody answered.</source>
        <translation>Niemand hat abgenommen.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Attachments:</source>
        <translation>Anhänge:</translation>
    </message>
</context>
<context>
    <name>TicketListModel</name>
    <message>
        <location filename="../../desk_gui/ui/ticket_list_model.py" line="+57"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assignee / group</source>
        <translation>Zuweisung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender</source>
        <translation>Absender</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last change / follow-up</source>
        <translation>Änderung / Wiedervorlage</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SLA due</source>
        <translation>SLA fällig</translation>
    </message>
    <message>
        <location line="+294"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Unassigned</source>
        <translation>Nicht zugewiesen</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{status}, priority {priority}</source>
        <translation>{status}, Priorität {priority}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Assignee: {agent}
Group: {group}</source>
        <translation>Bearbeiter: {agent}
Gruppe: {group}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Last change: {when}</source>
        <translation>Letzte Änderung: {when}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Follow-up: {when}</source>
        <translation>Wiedervorlage: {when}</translation>
    </message>
</context>
<context>
    <name>TicketView</name>
    <message>
        <location filename="../../desk_gui/ui/ticket_view.py" line="+284"/>
        <source>{agent} is replying to this ticket</source>
        <translation>{agent} antwortet gerade auf dieses Ticket</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Also open at: {agents}</source>
        <translation>Ebenfalls geöffnet bei: {agents}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Priority: {priority}</source>
        <translation>Priorität: {priority}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>created {when}</source>
        <translation>angelegt {when}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No contact</source>
        <translation>Kein Kontakt</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Conversation ({n})</source>
        <translation>Konversation ({n})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History ({n})</source>
        <translation>Historie ({n})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a ticket from the list.</source>
        <translation>Wählen Sie ein Ticket aus der Liste.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Old</source>
        <translation>Alt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New</source>
        <translation>Neu</translation>
    </message>
</context>
<context>
    <name>TriggerSettings</name>
    <message>
        <location filename="../../desk_gui/ui/trigger_settings.py" line="+50"/>
        <source>Ticket created</source>
        <translation>Ticket erstellt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ticket updated</source>
        <translation>Ticket geändert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer replied</source>
        <translation>Kunde hat geantwortet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SLA level reached</source>
        <translation>SLA-Stufe erreicht</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group lead</source>
        <translation>Gruppenleitung</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mailbox:</source>
        <translation>Postfach:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender:</source>
        <translation>Absender:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keyword:</source>
        <translation>Stichwort:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tag:</source>
        <translation>Schlagwort:</translation>
    </message>
    <message>
        <location line="+117"/>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Trigger rules</source>
        <translation>Trigger-Regeln</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+60"/>
        <source>If</source>
        <translation>Wenn</translation>
    </message>
    <message>
        <location line="-60"/>
        <location line="+70"/>
        <source>Then</source>
        <translation>Dann</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>&amp;Add rule</source>
        <translation>Regel &amp;hinzufügen</translation>
    </message>
    <message>
        <location line="-175"/>
        <location line="+193"/>
        <source>Channel:</source>
        <translation>Kanal:</translation>
    </message>
    <message>
        <location line="-191"/>
        <location line="+194"/>
        <source>Priority:</source>
        <translation>Priorität:</translation>
    </message>
    <message>
        <location line="-193"/>
        <location line="+194"/>
        <source>Contract level:</source>
        <translation>Vertragsstufe:</translation>
    </message>
    <message>
        <location line="-191"/>
        <location line="+194"/>
        <source>Set group:</source>
        <translation>Gruppe setzen:</translation>
    </message>
    <message>
        <location line="-193"/>
        <location line="+194"/>
        <source>Set assignee:</source>
        <translation>Bearbeiter setzen:</translation>
    </message>
    <message>
        <location line="-193"/>
        <location line="+194"/>
        <source>Set priority:</source>
        <translation>Priorität setzen:</translation>
    </message>
    <message>
        <location line="-193"/>
        <location line="+194"/>
        <source>Add tag:</source>
        <translation>Schlagwort hinzufügen:</translation>
    </message>
    <message>
        <location line="-193"/>
        <location line="+194"/>
        <source>Set status:</source>
        <translation>Status setzen:</translation>
    </message>
    <message>
        <location line="-193"/>
        <location line="+194"/>
        <source>Notify:</source>
        <translation>Benachrichtigen:</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>All must hold; separate alternatives with commas.</source>
        <translation>Alle müssen zutreffen; Alternativen durch Komma trennen.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Event:</source>
        <translation>&amp;Ereignis:</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Give the rule a name.</source>
        <translation>Geben Sie der Regel einen Namen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Choose at least one action.</source>
        <translation>Wählen Sie mindestens eine Aktion.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Select a rule to remove.</source>
        <translation>Wählen Sie die zu entfernende Regel.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>always</source>
        <translation>immer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
</context>
</TS>

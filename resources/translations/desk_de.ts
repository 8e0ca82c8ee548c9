<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../desk_gui/ui/actions.py" line="+36"/>
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
        <location filename="../../desk_gui/ui/app.py" line="+74"/>
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
    <name>Labels</name>
    <message>
        <location filename="../../desk_gui/ui/labels.py" line="+37"/>
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
    <name>MainWindow</name>
    <message>
        <location filename="../../desk_gui/ui/main_window.py" line="+169"/>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something went wrong: {error}</source>
        <translation>Etwas ist schiefgegangen: {error}</translation>
    </message>
    <message>
        <location line="+25"/>
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
        <location filename="../../desk_gui/ui/navigation.py" line="+33"/>
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
        <source>All tickets</source>
        <translation>Alle Tickets</translation>
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
    <name>SearchBox</name>
    <message>
        <location filename="../../desk_gui/ui/search_box.py" line="+41"/>
        <source>Search subject, text or #number in this view</source>
        <translation>Betreff, Text oder #Nummer in dieser Ansicht suchen</translation>
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
        <location line="+1"/>
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
        <location line="+216"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Unassigned</source>
        <translation>Nicht zugewiesen</translation>
    </message>
    <message>
        <location line="+12"/>
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
        <location filename="../../desk_gui/ui/ticket_view.py" line="+186"/>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
    <message>
        <location line="+48"/>
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
</TS>

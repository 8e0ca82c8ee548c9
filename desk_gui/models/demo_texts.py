"""What the demo data says: scenarios, name pools and message templates (German, English).

Pure data for `demo.py`. Templates use `{placeholders}` that `demo.Fill` draws lazily per
ticket (a customer's name, an invoice number, a printer model...), so one ticket's
messages agree with each other and two tickets rarely read the same.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- people and places ---------------------------------------------------------------------

FIRST_DE_F = (
    "Anna",
    "Sabine",
    "Julia",
    "Petra",
    "Claudia",
    "Katharina",
    "Monika",
    "Laura",
    "Sarah",
    "Lena",
    "Birgit",
    "Ursula",
    "Andrea",
    "Nicole",
    "Stefanie",
    "Melanie",
    "Jana",
    "Lea",
    "Hannah",
    "Marie",
    "Emine",
    "Agnieszka",
    "Elena",
    "Sevgi",
    "Ingrid",
    "Renate",
    "Tanja",
)
FIRST_DE_M = (
    "Thomas",
    "Michael",
    "Andreas",
    "Stefan",
    "Markus",
    "Christian",
    "Jürgen",
    "Frank",
    "Peter",
    "Klaus",
    "Jan",
    "Tobias",
    "Florian",
    "Sebastian",
    "Lukas",
    "Matthias",
    "Uwe",
    "Holger",
    "Dirk",
    "Mehmet",
    "Piotr",
    "Dimitrios",
    "Felix",
    "Jonas",
    "Wolfgang",
    "Ralf",
)
LAST_DE = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Maier",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Yılmaz",
    "Kowalski",
    "Nowak",
    "Papadopoulos",
    "Öztürk",
    "Vogel",
    "Friedrich",
    "Sommer",
)
FIRST_EN_F = (
    "Emily",
    "Sarah",
    "Jessica",
    "Olivia",
    "Emma",
    "Hannah",
    "Grace",
    "Chloe",
    "Rachel",
    "Laura",
    "Megan",
    "Amy",
    "Priya",
    "Sofia",
    "Isabel",
    "Charlotte",
    "Lucy",
    "Ava",
)
FIRST_EN_M = (
    "James",
    "John",
    "Robert",
    "David",
    "Daniel",
    "Matthew",
    "Andrew",
    "Mark",
    "Paul",
    "Steven",
    "Kevin",
    "Brian",
    "Tom",
    "Oliver",
    "Ravi",
    "Lucas",
    "Ethan",
    "Samuel",
)
LAST_EN = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Clark",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Patel",
    "Singh",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Fernández",
    "Rossi",
    "Dubois",
    "Jansen",
)
PRIVATE_DOMAINS = (
    "gmx.de",
    "web.de",
    "t-online.de",
    "gmail.com",
    "outlook.de",
    "posteo.de",
    "freenet.de",
    "mailbox.org",
    "yahoo.de",
    "icloud.com",
    "hotmail.com",
    "online.de",
)
CITIES = (
    "Musterstadt",
    "Neustadt",
    "Altenburg",
    "Bergheim",
    "Lindau",
    "Rosenheim",
    "Waldkirch",
    "Hildesheim",
    "Kempten",
    "Lüneburg",
    "Bamberg",
    "Fulda",
    "Erlangen",
    "Tübingen",
    "Coburg",
    "Wismar",
    "Görlitz",
    "Passau",
    "Gießen",
    "Marburg",
    "Landshut",
    "Bocholt",
    "Minden",
)
STREETS = (
    "Hauptstraße",
    "Lindenstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenweg",
    "Am Markt",
    "Kirchplatz",
    "Mühlenweg",
    "Birkenallee",
    "Goethestraße",
    "Schillerstraße",
    "Rosenweg",
    "Bergstraße",
    "Friedhofstraße",
    "Waldstraße",
    "Am Sportplatz",
    "Uhlandstraße",
    "Ringstraße",
)
ORG_PATTERNS = (
    "Stadtwerke {city}",
    "{last} & {last2} Steuerberatung",
    "Autohaus {last} GmbH",
    "Praxis Dr. {last}",
    "{city}er Wohnbau eG",
    "Ingenieurbüro {last}",
    "{last} Logistik GmbH",
    "Kanzlei {last} & Partner",
    "Bäckerei {last} KG",
    "Sparkasse {city}",
    "Klinikum {city}",
    "{last} Maschinenbau AG",
    "Gemeinde {city}",
    "Hotel {city}er Hof",
    "{last} Elektrotechnik",
    "{city} Dental GmbH",
    "{last} Immobilien",
    "Kreisverwaltung {city}",
    "Brauerei {last}",
    "{last} Consulting Ltd",
    "{last} & Sons Trading",
    "Volkshochschule {city}",
)

# Agents: login, name, role, groups (the first one is where they lead, when leading).
AGENTS: tuple[tuple[str, str, str, tuple[str, ...], bool], ...] = (
    ("akrause", "Anja Krause", "supervisor", ("1st-Level-Support",), True),
    ("mbeck", "Martin Beck", "agent", ("1st-Level-Support",), False),
    ("syilmaz", "Selin Yılmaz", "agent", ("1st-Level-Support", "Billing"), False),
    ("jhartmann", "Jonas Hartmann", "agent", ("1st-Level-Support", "2nd-Level"), False),
    ("tweber", "Tobias Weber", "supervisor", ("2nd-Level",), True),
    ("cnowak", "Claudia Nowak", "agent", ("2nd-Level",), False),
    ("pbrandt", "Petra Brandt", "supervisor", ("Billing",), True),
    ("lfischer", "Lukas Fischer", "agent", ("Billing", "1st-Level-Support"), False),
)
GROUPS = ("1st-Level-Support", "2nd-Level", "Billing")
DESK_ADDRESS = "service@desk.example"

PRODUCTS = (
    "ArchivPlus 7",
    "KommunalOffice 2025",
    "FiBu Manager 12",
    "LohnPro 2026",
    "CADwork Suite 5",
    "PraxisManager 9",
    "LagerLogix 4",
    "HR Portal 3.2",
)
PRINTERS = (
    "HP LaserJet Pro M404dn",
    "Kyocera ECOSYS M2540dn",
    "Brother MFC-L8900CDW",
    "Canon i-SENSYS MF754Cdw",
    "Ricoh IM C3000",
    "Lexmark MX521de",
    "Xerox VersaLink C405",
)
NOTEBOOKS = (
    "Lenovo ThinkPad T14 Gen 4",
    "Dell Latitude 5440",
    "HP EliteBook 840 G10",
    "Fujitsu Lifebook U7413",
    "Lenovo ThinkPad X1 Carbon",
    "Dell Precision 3581",
)
SERVERS = ("srv-dc01", "srv-fs02", "srv-sql01", "srv-exch01", "srv-app03", "esx-host02", "nas01")
VPN_CLIENTS = ("FortiClient", "Cisco AnyConnect", "WireGuard", "OpenVPN Connect", "Sophos Connect")
ERRORS = (
    "0x80070005",
    "Fehler 50.4",
    "E-1042",
    "0xC004F074",
    "Error 809",
    "Code 43",
    "49.4C02",
    "SMART-Fehler 301",
    "Fehler 720",
    "0x0000007E",
    "TLS handshake failed",
    "E-2210",
)
KITAS = (
    "Kita Sonnenschein",
    "Kita Regenbogen",
    "Kindergarten St. Martin",
    "Kita Pusteblume",
    "Kita Schatzkiste",
    "Waldkindergarten Eichhörnchen",
    "Kita Sterntaler",
)
CHILDREN = ("Mia", "Ben", "Emma", "Paul", "Lina", "Noah", "Ella", "Leon", "Ida", "Finn", "Mila")


# --- scenario templates --------------------------------------------------------------------


@dataclass(frozen=True)
class Texts:
    """One scenario's messages in one language; every tuple holds variants."""

    subjects: tuple[str, ...]
    opening: tuple[str, ...]  # the customer's first message
    ask: tuple[str, ...]  # agent asks for something
    answer: tuple[str, ...]  # customer answers / follows up
    solve: tuple[str, ...]  # agent's solution
    reject: tuple[str, ...]  # agent explains a refusal
    notes: tuple[str, ...]  # internal notes
    calls: tuple[str, ...]  # call log, reached, with what was agreed
    done: tuple[str, ...]  # close reasons, fulfilled
    refused: tuple[str, ...]  # close reasons, rejected


@dataclass(frozen=True)
class Scenario:
    key: str
    category: str
    type: str  # TicketType value
    group: str
    business: bool  # from an organization's contact (else a citizen / private customer)
    tags: tuple[str, ...]
    urgency: int  # 0 low .. 3 urgent: shifts the priority draw
    de: Texts
    en: Texts


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "meldebescheinigung",
        "Bürgeramt/Meldebescheinigung",
        "service_request",
        "1st-Level-Support",
        False,
        ("meldewesen", "bürgeramt"),
        0,
        Texts(
            subjects=(
                "Meldebescheinigung beantragen",
                "Antrag auf erweiterte Meldebescheinigung",
                "Meldebescheinigung für Arbeitgeber benötigt",
                "Ummeldung {street} – Bestätigung fehlt",
            ),
            opening=(
                "ich benötige für meinen neuen Arbeitgeber eine Meldebescheinigung. Ich wohne seit "
                "dem {since} in der {street}. Kann ich die Bescheinigung per Post erhalten oder "
                "muss "
                "ich persönlich ins Bürgeramt kommen?",
                "für die Beantragung des Elterngelds brauche ich eine erweiterte "
                "Meldebescheinigung für mich und mein Kind. Bitte teilen Sie mir mit, welche "
                "Unterlagen ich mitbringen muss.",
                "ich habe mich am {since} umgemeldet ({street}), aber bisher keine Bestätigung "
                "erhalten. Die Bank verlangt eine aktuelle Meldebescheinigung.",
            ),
            ask=(
                "damit wir die Meldebescheinigung ausstellen können, senden Sie uns bitte eine "
                "Kopie der Vorder- und Rückseite Ihres Personalausweises. Die Gebühr beträgt "
                "{amount}.",
                "bitte teilen Sie uns Ihr Geburtsdatum und Ihre vorherige Anschrift mit, damit "
                "wir Sie im Melderegister eindeutig finden.",
            ),
            answer=(
                "anbei die Kopie meines Ausweises. Die Gebühr überweise ich heute noch.",
                "mein Geburtsdatum ist der {birthdate}, vorher wohnte ich in {city}.",
                "gibt es schon einen Stand? Der Termin bei meinem Arbeitgeber ist nächste Woche.",
            ),
            solve=(
                "die Meldebescheinigung wurde heute ausgestellt und geht Ihnen per Post an die "
                "{street} zu. Das Aktenzeichen lautet {case}.",
                "Sie können die Meldebescheinigung ab sofort im Bürgeramt (Zimmer 0.{room}) "
                "abholen. Bitte bringen Sie Ihren Ausweis mit.",
            ),
            reject=(
                "leider können wir die Meldebescheinigung nicht ausstellen: Unter der "
                "angegebenen Anschrift ist niemand mit Ihrem Namen gemeldet. Bitte melden Sie "
                "sich zuerst an (Termin über das Bürgerportal).",
            ),
            notes=(
                "Person im Melderegister gefunden, Anschrift {street} stimmt.",
                "Gebühr noch nicht eingegangen – erst nach Zahlungseingang versenden.",
                "Erweiterte Bescheinigung nötig (Elterngeld), Vorlage 3b verwenden.",
            ),
            calls=(
                "Bürger erreicht. Vereinbart: Abholung am {date} im Bürgeramt.",
                "Erreicht. Ausweiskopie kommt heute per Mail, Versand danach per Post.",
            ),
            done=("Meldebescheinigung ausgestellt und versandt", "Bescheinigung abgeholt"),
            refused=("Keine Meldung unter der Anschrift", "Doppelte Anfrage"),
        ),
        Texts(
            subjects=(
                "Registration certificate (Meldebescheinigung)",
                "Need proof of address for my employer",
                "Registration at {street} not confirmed",
            ),
            opening=(
                "I moved to {street} on {since} and my employer asks for a registration "
                "certificate (Meldebescheinigung). Can you send it by mail, or do I have to come "
                "to the citizens' office in person?",
                "my bank needs a current registration certificate. I registered on {since} but "
                "never received a confirmation.",
            ),
            ask=(
                "to issue the certificate we need a copy of both sides of your ID card or "
                "passport. The fee is {amount}.",
                "please tell us your date of birth and your previous address so we can find you "
                "in the register.",
            ),
            answer=(
                "please find a copy of my passport attached. I will transfer the fee today.",
                "my date of birth is {birthdate}; before that I lived in {city}.",
                "is there any update? My employer needs the document by next week.",
            ),
            solve=(
                "your registration certificate was issued today and is on its way to {street}. "
                "Reference: {case}.",
            ),
            reject=(
                "unfortunately we cannot issue a certificate: nobody with your name is "
                "registered at that address. Please book an appointment to register first.",
            ),
            notes=("Found in the register, address {street} confirmed.",),
            calls=("Reached. Agreed: pick-up at the citizens' office on {date}.",),
            done=("Certificate issued and sent",),
            refused=("Not registered at that address",),
        ),
    ),
    Scenario(
        "sperrmuell",
        "Abfall/Sperrmüll",
        "service_request",
        "1st-Level-Support",
        False,
        ("sperrmüll", "abfall"),
        0,
        Texts(
            subjects=(
                "Sperrmüllabholung {street}",
                "Termin für Sperrmüll gesucht",
                "Sperrmüll wurde nicht abgeholt",
                "Anmeldung Sperrmüll – Sofa und Schrank",
            ),
            opening=(
                "ich möchte Sperrmüll zur Abholung anmelden: ein Sofa, zwei Stühle und einen "
                "Kleiderschrank (zerlegt). Adresse: {street}. Welcher Termin ist möglich?",
                "unser Sperrmüll sollte am {since} abgeholt werden, steht aber immer noch an der "
                "{street}. Die Nachbarn beschweren sich schon.",
                "kann man auch Elektrogeräte (Kühlschrank, Waschmaschine) mit dem Sperrmüll "
                "abgeben? Ich wohne in der {street}.",
            ),
            ask=(
                "bitte nennen Sie uns die ungefähre Menge in Kubikmetern und ob Elektrogeräte "
                "dabei sind – diese werden separat abgeholt.",
                "stand der Sperrmüll am Abholtag bis 6 Uhr morgens an der Straße? Bitte senden "
                "Sie uns ein Foto.",
            ),
            answer=(
                "es sind ungefähr 3 Kubikmeter, dazu ein Kühlschrank.",
                "ja, alles stand ab 5:30 Uhr draußen. Foto anbei.",
                "gibt es schon einen neuen Termin?",
            ),
            solve=(
                "Ihr Sperrmülltermin ist am {date}. Bitte stellen Sie die Gegenstände bis 6 Uhr "
                "gut sichtbar an die Straße. Der Kühlschrank wird am selben Tag separat abgeholt.",
                "die Nachabholung ist für morgen beauftragt. Entschuldigen Sie die "
                "Unannehmlichkeiten.",
            ),
            reject=(
                "Bauschutt und Farbeimer gehören nicht zum Sperrmüll. Bitte geben Sie diese am "
                "Wertstoffhof ab.",
            ),
            notes=(
                "Tour {n} hat {street} laut Fahrerprotokoll ausgelassen – Nachabholung "
                "angefordert.",
                "Bei der Abfallwirtschaft nachgefragt, Termin bestätigt.",
            ),
            calls=(
                "Erreicht. Vereinbart: Abholung am {date}, Kühlschrank separat.",
                "Erreicht. Bürger stellt die Sachen heute Abend raus, Nachabholung morgen früh.",
            ),
            done=("Abholtermin vergeben", "Nachabholung erledigt"),
            refused=("Kein Sperrmüll (Bauschutt)", "Außerhalb des Entsorgungsgebiets"),
        ),
        Texts(
            subjects=("Bulky waste collection at {street}", "Bulky waste was not collected"),
            opening=(
                "I would like to book a bulky waste collection: a sofa, two chairs and a "
                "wardrobe. Address: {street}. Which dates are available?",
                "our bulky waste was supposed to be collected on {since}, but it is still "
                "standing outside {street}.",
            ),
            ask=("roughly how many cubic metres is it, and are there any electrical appliances?",),
            answer=("about 3 cubic metres, plus a fridge.", "any news on a new date?"),
            solve=(
                "your collection is booked for {date}. Please put everything out by 6 am; the "
                "fridge is picked up separately on the same day.",
            ),
            reject=("building rubble is not bulky waste; please take it to the recycling centre.",),
            notes=("Crew skipped {street} according to the driver log – re-collection ordered.",),
            calls=("Reached. Agreed: collection on {date}.",),
            done=("Collection booked",),
            refused=("Not bulky waste",),
        ),
    ),
    Scenario(
        "parkausweis",
        "Verkehr/Bewohnerparkausweis",
        "service_request",
        "1st-Level-Support",
        False,
        ("parken", "bürgeramt"),
        0,
        Texts(
            subjects=(
                "Bewohnerparkausweis verlängern",
                "Antrag Bewohnerparkausweis Zone {zone}",
                "Parkausweis für neues Kennzeichen {plate}",
            ),
            opening=(
                "mein Bewohnerparkausweis für die Zone {zone} läuft am {date} ab. Kann ich ihn "
                "online verlängern? Kennzeichen: {plate}.",
                "ich habe ein neues Auto ({plate}) und brauche den Parkausweis auf das neue "
                "Kennzeichen umgeschrieben.",
                "ich bin in die {street} gezogen und möchte einen Bewohnerparkausweis beantragen.",
            ),
            ask=(
                "bitte senden Sie uns eine Kopie des Fahrzeugscheins (Zulassungsbescheinigung "
                "Teil I). Die Gebühr beträgt {amount} pro Jahr.",
                "ist das Fahrzeug auf Sie zugelassen oder handelt es sich um einen Firmenwagen? "
                "Für Firmenwagen benötigen wir eine Bestätigung des Arbeitgebers.",
            ),
            answer=(
                "der Fahrzeugschein ist angehängt.",
                "es ist ein Firmenwagen, die Bestätigung meines Arbeitgebers reiche ich nach.",
                "wie lange dauert die Bearbeitung ungefähr?",
            ),
            solve=(
                "Ihr Bewohnerparkausweis für die Zone {zone} (Kennzeichen {plate}) ist bis "
                "{date_next_year} gültig und wurde per Post versandt.",
            ),
            reject=(
                "die {street} liegt nicht in einer Bewohnerparkzone. Einen Ausweis können wir "
                "daher leider nicht ausstellen.",
            ),
            notes=("Zulassung geprüft, Halter stimmt.", "Zone {zone}: Kontingent noch frei."),
            calls=("Erreicht. Vereinbart: Fahrzeugschein kommt per Mail, dann Versand.",),
            done=("Parkausweis ausgestellt", "Kennzeichen umgeschrieben"),
            refused=(
                "Anschrift außerhalb der Parkzone",
                "Fahrzeug nicht auf Antragsteller zugelassen",
            ),
        ),
        Texts(
            subjects=("Residents' parking permit renewal", "Parking permit for new car {plate}"),
            opening=(
                "my residents' parking permit for zone {zone} expires on {date}. Can I renew it "
                "online? Licence plate: {plate}.",
            ),
            ask=("please send us a copy of the vehicle registration certificate.",),
            answer=("the registration certificate is attached.", "how long will this take?"),
            solve=("your permit for zone {zone} ({plate}) is valid until {date_next_year}.",),
            reject=("{street} is not inside a residents' parking zone.",),
            notes=("Registration checked, owner matches.",),
            calls=("Reached. Agreed: copy of registration comes by mail.",),
            done=("Permit issued",),
            refused=("Address outside the parking zone",),
        ),
    ),
    Scenario(
        "kita",
        "Kita/Platzvergabe",
        "service_request",
        "1st-Level-Support",
        False,
        ("kita", "familie"),
        1,
        Texts(
            subjects=(
                "Kita-Platz ab {month} für {child}",
                "Stand meiner Kita-Anmeldung",
                "Absage Kita-Platz – Widerspruch",
                "Betreuungsplatz U3 gesucht",
            ),
            opening=(
                "wir suchen ab {month} einen Kita-Platz für unsere Tochter {child} (geboren am "
                "{birthdate}). Wunsch-Kita ist die {kita}. Wie ist der Stand unserer Anmeldung?",
                "wir haben eine Absage für die {kita} bekommen. Ich arbeite ab {month} wieder "
                "Vollzeit und wir haben einen Rechtsanspruch. Bitte prüfen Sie Alternativen.",
                "wie viele Plätze werden in der {kita} im kommenden Kita-Jahr frei?",
            ),
            ask=(
                "bitte reichen Sie die Arbeitgeberbescheinigung und den Betreuungsumfang "
                "(Stunden pro Woche) nach, damit wir Ihren Antrag priorisieren können.",
                "wären für Sie auch Einrichtungen in anderen Stadtteilen denkbar?",
            ),
            answer=(
                "die Arbeitgeberbescheinigung ist anbei, wir brauchen 35 Stunden pro Woche.",
                "ja, auch andere Stadtteile gehen, solange es auf dem Weg zur Arbeit liegt.",
                "haben Sie schon etwas Neues für uns?",
            ),
            solve=(
                "wir freuen uns, Ihnen einen Platz in der {kita} ab {month} anbieten zu können. "
                "Bitte bestätigen Sie innerhalb von 14 Tagen.",
            ),
            reject=(
                "leider sind in allen gewünschten Einrichtungen zum {month} keine Plätze frei. "
                "Sie stehen auf der Warteliste auf Platz {n}.",
            ),
            notes=(
                "Rechtsanspruch U3 prüfen – Mutter arbeitet ab {month} Vollzeit.",
                "{kita} hat zwei Plätze frei ab {month}, Rücksprache mit Leitung gehalten.",
            ),
            calls=(
                "Mutter erreicht. Vereinbart: Angebot {kita} wird schriftlich bestätigt.",
                "Erreicht. Eltern schauen sich die {kita} am {date} an.",
            ),
            done=("Platz vergeben", "Platzangebot angenommen"),
            refused=("Keine freien Plätze, Warteliste", "Kein Wohnsitz in der Stadt"),
        ),
        Texts(
            subjects=("Daycare place from {month} for {child}", "Status of my daycare application"),
            opening=(
                "we are looking for a daycare place for our son {child} (born {birthdate}) from "
                "{month}. Our preferred centre is {kita}. What is the status of our application?",
            ),
            ask=("please send the employer certificate and the weekly hours you need.",),
            answer=("attached is the certificate; we need 35 hours a week.", "any news for us?"),
            solve=(
                "we can offer you a place at {kita} starting {month}. Please confirm within 14 "
                "days.",
            ),
            reject=(
                "all requested centres are full for {month}; you are number {n} on the waiting "
                "list.",
            ),
            notes=("Check legal entitlement – both parents work full time from {month}.",),
            calls=("Reached the father. Agreed: written offer for {kita}.",),
            done=("Place offered and accepted",),
            refused=("No places available",),
        ),
    ),
    Scenario(
        "personalausweis",
        "Bürgeramt/Ausweis und Termine",
        "service_request",
        "1st-Level-Support",
        False,
        ("bürgeramt", "termin"),
        0,
        Texts(
            subjects=(
                "Termin für neuen Personalausweis",
                "Reisepass dringend benötigt – Urlaub am {date}",
                "Personalausweis verloren",
            ),
            opening=(
                "mein Personalausweis läuft ab und online sind keine Termine mehr frei. Gibt es "
                "eine andere Möglichkeit?",
                "wir fliegen am {date} in den Urlaub und mein Reisepass ist abgelaufen. Ist ein "
                "Express-Pass noch möglich?",
                "ich habe meinen Personalausweis verloren. Was muss ich tun?",
            ),
            ask=(
                "bitte bringen Sie ein aktuelles biometrisches Passfoto und den alten Ausweis "
                "mit. Haben Sie die Verlustanzeige bereits bei der Polizei gemacht?",
            ),
            answer=("die Verlustanzeige habe ich gemacht, Aktenzeichen {case}.", "Danke, passt!"),
            solve=(
                "wir haben Ihnen einen Termin am {date} um {time} Uhr im Bürgeramt reserviert. "
                "Der Express-Reisepass kostet {amount}.",
            ),
            reject=(
                "einen Express-Pass können wir für Reisen in weniger als 3 Tagen nicht zusagen.",
            ),
            notes=("Termin aus dem Notfallkontingent vergeben.",),
            calls=("Erreicht. Vereinbart: Termin am {date} um {time} Uhr.",),
            done=("Termin vergeben",),
            refused=("Frist zu kurz",),
        ),
        Texts(
            subjects=(
                "Appointment for a new ID card",
                "Passport needed urgently – travelling {date}",
            ),
            opening=(
                "my passport has expired and we fly on {date}. Is an express passport still "
                "possible?",
            ),
            ask=("please bring a recent biometric photo and your old passport.",),
            answer=("thanks, I will bring both.",),
            solve=("we have booked an appointment for you on {date} at {time}.",),
            reject=("we cannot guarantee an express passport in under 3 days.",),
            notes=("Slot taken from the emergency quota.",),
            calls=("Reached. Agreed: appointment on {date} at {time}.",),
            done=("Appointment booked",),
            refused=("Deadline too short",),
        ),
    ),
    Scenario(
        "lizenz",
        "Lizenzen/Lizenzdatei",
        "service_request",
        "2nd-Level",
        True,
        ("lizenz", "update"),
        1,
        Texts(
            subjects=(
                "Lizenzdatei für {product} läuft ab",
                "Neue Lizenzdatei nach Erweiterung auf {seats} Arbeitsplätze",
                "{product}: Lizenz ungültig nach Update auf {version}",
                "Lizenzschlüssel {licence} – Aktivierung schlägt fehl",
            ),
            opening=(
                "unsere Lizenz für {product} läuft am {date} ab. Bitte senden Sie uns die neue "
                "Lizenzdatei, der Wartungsvertrag wurde verlängert (Vertragsnummer {order}).",
                "wir haben auf {seats} Arbeitsplätze erweitert. Seit dem Einspielen der neuen "
                'Lizenzdatei meldet {product}: "Lizenz ungültig ({error})".',
                "nach dem Update auf Version {version} startet {product} nicht mehr und verlangt "
                "eine neue Lizenz. Lizenzschlüssel: {licence}.",
            ),
            ask=(
                "bitte senden Sie uns die Hardware-ID des Lizenzservers (Menü Hilfe > "
                "Lizenzinformationen) und einen Screenshot der Fehlermeldung.",
                "läuft der Lizenzdienst auf {server}? Bitte prüfen Sie, ob Port 27000 in der "
                "Firewall freigegeben ist.",
            ),
            answer=(
                "die Hardware-ID lautet {hwid}, Screenshot anbei.",
                "der Dienst läuft, Port 27000 ist offen. Fehler bleibt.",
                "können Sie uns bitte kurzfristig helfen? Die Buchhaltung steht.",
            ),
            solve=(
                "anbei die neue Lizenzdatei für {seats} Arbeitsplätze, gültig bis "
                "{date_next_year}. Bitte unter Extras > Lizenz > Importieren einspielen und den "
                "Lizenzdienst neu starten.",
                "die Lizenz war noch an die alte Hardware-ID gebunden. Wir haben sie "
                "umgeschrieben; "
                "bitte die Lizenz online neu aktivieren ({licence}).",
            ),
            reject=(
                "für Version {version} ist ein gültiger Wartungsvertrag nötig. Laut unseren "
                "Unterlagen ist Ihr Vertrag {order} ausgelaufen; bitte wenden Sie sich an den "
                "Vertrieb.",
            ),
            notes=(
                "Vertrag {order} geprüft: Wartung bis {date_next_year}, {seats} Plätze.",
                "Hardware-ID hat sich durch Serverumzug geändert – Lizenz neu generieren.",
                "Lizenzgenerator liefert {error}, an Entwicklung weitergegeben.",
            ),
            calls=(
                "Admin erreicht. Vereinbart: Fernwartung am {date} um {time} Uhr.",
                "Erreicht. Lizenz gemeinsam eingespielt, Dienst läuft wieder.",
            ),
            done=("Lizenzdatei geliefert", "Lizenz umgeschrieben und aktiviert"),
            refused=("Kein Wartungsvertrag", "Lizenz gehört anderem Kunden"),
        ),
        Texts(
            subjects=(
                "Licence file for {product} expires soon",
                "{product}: licence invalid after upgrade to {version}",
                "New licence file for {seats} seats",
            ),
            opening=(
                "our {product} licence expires on {date}. Please send the new licence file; the "
                "maintenance contract {order} has been renewed.",
                'after upgrading to {version}, {product} says "licence invalid ({error})". '
                "Licence key: {licence}.",
            ),
            ask=(
                "please send us the hardware ID of the licence server and a screenshot of the "
                "error.",
            ),
            answer=(
                "the hardware ID is {hwid}; screenshot attached.",
                "could you please hurry, accounting is blocked.",
            ),
            solve=(
                "attached is your new licence file for {seats} seats, valid until "
                "{date_next_year}. Import it under Tools > Licence and restart the licence "
                "service.",
            ),
            reject=(
                "version {version} requires an active maintenance contract; {order} has expired.",
            ),
            notes=("Contract {order} checked: maintenance until {date_next_year}.",),
            calls=("Reached the admin. Agreed: remote session on {date} at {time}.",),
            done=("Licence file delivered",),
            refused=("No maintenance contract",),
        ),
    ),
    Scenario(
        "drucker",
        "Hardware/Drucker",
        "incident",
        "1st-Level-Support",
        True,
        ("drucker", "hardware"),
        1,
        Texts(
            subjects=(
                "Drucker {printer} druckt nicht mehr",
                "Papierstau {printer} im 2. OG",
                "Drucker zeigt {error}",
                "Scannen auf Netzlaufwerk funktioniert nicht",
            ),
            opening=(
                "unser {printer} im 2. OG druckt seit heute Morgen nicht mehr. Im Display steht "
                '"{error}". Ein Neustart hat nicht geholfen. Seriennummer: {serial}.',
                "der Drucker hat ständig Papierstau, obwohl kein Papier drin steckt. Betroffen ist "
                "der {printer} in der Buchhaltung.",
                "Scannen auf das Netzlaufwerk geht seit dem Passwortwechsel nicht mehr "
                "({printer}).",
            ),
            ask=(
                "bitte prüfen Sie, ob der Drucker im Netzwerk erreichbar ist (Konfigurationsseite "
                "drucken) und senden Sie uns ein Foto der Fehlermeldung.",
                "wie viele Seiten zeigt der Zähler an? Wurde die Fixiereinheit schon einmal "
                "getauscht?",
            ),
            answer=(
                "Konfigurationsseite anbei, IP ist 192.168.{ip}.",
                "Zähler steht bei {pages} Seiten. Getauscht wurde noch nichts.",
                "der Drucker steht immer noch, bitte um dringende Hilfe.",
            ),
            solve=(
                "unser Techniker hat die Fixiereinheit getauscht, der {printer} druckt wieder. "
                "Der Einsatz läuft über Ihren Servicevertrag.",
                "das Scan-Konto war noch mit dem alten Passwort hinterlegt. Wir haben es "
                "aktualisiert; bitte testen Sie noch einmal.",
            ),
            reject=(
                "der Drucker ist nicht Bestandteil Ihres Servicevertrags. Gerne erstellen wir "
                "Ihnen ein Angebot für eine Reparatur.",
            ),
            notes=(
                "Ersatzteil (Fixiereinheit) bestellt, Lieferung voraussichtlich {date}.",
                "Fernzugriff auf Drucker-Webinterface: Fehler {error} im Protokoll.",
                "Gerät ist aus der Garantie, Servicevertrag deckt Verschleißteile.",
            ),
            calls=(
                "Erreicht. Vereinbart: Techniker kommt am {date} zwischen 8 und 12 Uhr.",
                "Erreicht. Drucker gemeinsam neu gestartet, Fehler {error} weg.",
            ),
            done=("Fixiereinheit getauscht", "Konfiguration korrigiert"),
            refused=("Gerät nicht im Vertrag", "Doppelte Meldung"),
        ),
        Texts(
            subjects=(
                "Printer {printer} not printing",
                "Paper jam on {printer}",
                "Printer shows {error}",
            ),
            opening=(
                "our {printer} on the second floor stopped printing this morning. The display "
                'says "{error}". Restarting did not help. Serial number: {serial}.',
            ),
            ask=("please print a configuration page and send us a photo of the error message.",),
            answer=(
                "configuration page attached; IP is 192.168.{ip}.",
                "the printer is still down, please help.",
            ),
            solve=("our technician replaced the fuser unit; the {printer} is printing again.",),
            reject=("this printer is not covered by your service contract.",),
            notes=("Spare part ordered, expected {date}.",),
            calls=("Reached. Agreed: technician on site on {date} between 8 and 12.",),
            done=("Fuser replaced",),
            refused=("Device not under contract",),
        ),
    ),
    Scenario(
        "notebook",
        "Hardware/Notebook",
        "incident",
        "2nd-Level",
        True,
        ("notebook", "hardware"),
        1,
        Texts(
            subjects=(
                "Notebook startet nicht – {notebook}",
                "Akku hält nur noch 20 Minuten",
                "Bluescreen {error} nach Windows-Update",
                "Display flackert ({notebook})",
            ),
            opening=(
                "mein {notebook} (Seriennummer {serial}) startet seit gestern nicht mehr, die "
                "Power-LED blinkt dreimal orange.",
                "nach dem letzten Windows-Update bekomme ich beim Start einen Bluescreen mit "
                "{error}. Ich muss morgen präsentieren.",
                "der Akku meines {notebook} hält nur noch 20 Minuten. Ist das ein Garantiefall?",
            ),
            ask=(
                "bitte senden Sie uns die Seriennummer und ein Foto des Fehlers. Ist das Gerät "
                "über Ihren Rahmenvertrag beschafft?",
                "können Sie das Gerät im abgesicherten Modus starten (F8 bzw. Shift+Neustart)?",
            ),
            answer=(
                "abgesicherter Modus geht, normaler Start nicht.",
                "Seriennummer {serial}, gekauft über Bestellung {order}.",
                "wann bekomme ich ein Ersatzgerät?",
            ),
            solve=(
                "wir haben den fehlerhaften Treiber entfernt und das Update zurückgestellt. Das "
                "Notebook startet wieder normal.",
                "das Mainboard wurde im Rahmen der Garantie getauscht. Sie können das Gerät ab "
                "morgen abholen.",
            ),
            reject=(
                "der Schaden ist durch einen Sturz entstanden und nicht von der Garantie gedeckt. "
                "Ein Kostenvoranschlag folgt.",
            ),
            notes=(
                "Garantie bis {date_next_year} laut Herstellerportal.",
                "Leihgerät {serial2} ausgegeben.",
                "Treiber {error} bekannt, Rollback per Intune.",
            ),
            calls=(
                "Erreicht. Vereinbart: Gerät wird am {date} per Kurier abgeholt.",
                "Erreicht. Abgesicherter Modus klappt, Fernwartung gestartet.",
            ),
            done=("Mainboard getauscht (Garantie)", "Treiber-Rollback"),
            refused=("Sturzschaden, keine Garantie",),
        ),
        Texts(
            subjects=("Laptop won't boot – {notebook}", "Blue screen {error} after update"),
            opening=(
                "my {notebook} (serial {serial}) stopped booting yesterday; the power LED blinks "
                "orange three times.",
            ),
            ask=("can you start the laptop in safe mode?",),
            answer=("safe mode works, a normal boot does not.", "when do I get a replacement?"),
            solve=(
                "we removed the faulty driver and postponed the update; the laptop boots again.",
            ),
            reject=("the damage was caused by a drop and is not covered by the warranty.",),
            notes=("Warranty until {date_next_year} according to the vendor portal.",),
            calls=("Reached. Agreed: courier pick-up on {date}.",),
            done=("Driver rolled back",),
            refused=("Drop damage, no warranty",),
        ),
    ),
    Scenario(
        "server",
        "Hardware/Server",
        "incident",
        "2nd-Level",
        True,
        ("server", "eskalation"),
        3,
        Texts(
            subjects=(
                "DRINGEND: {server} nicht erreichbar",
                "Festplatte in {server} defekt (RAID degraded)",
                "Backup auf {server} schlägt seit {since} fehl",
                "Server {server} sehr langsam",
            ),
            opening=(
                "unser Server {server} ist seit {time} Uhr nicht mehr erreichbar. Niemand kann "
                "auf die Netzlaufwerke zugreifen. Bitte sofort melden!",
                'das Monitoring meldet "RAID degraded" auf {server}, Festplatte in Slot {slot} '
                "zeigt {error}.",
                "die nächtliche Datensicherung von {server} schlägt seit {since} fehl.",
            ),
            ask=(
                "bitte prüfen Sie, ob die Status-LEDs am Server rot leuchten, und senden Sie uns "
                "ein Foto der Front.",
                "wir benötigen Zugriff per Fernwartung. Bitte bestätigen Sie das Wartungsfenster.",
            ),
            answer=(
                "Slot {slot} leuchtet rot, Foto anbei.",
                "Wartungsfenster ab 18 Uhr passt.",
                "wie ist der Stand? Die Kollegen können nicht arbeiten.",
            ),
            solve=(
                "die defekte Festplatte in Slot {slot} wurde getauscht, das RAID ist wieder "
                "synchron. {server} läuft stabil.",
                "der Dienst auf {server} hing nach einem Zertifikatsablauf. Zertifikat erneuert, "
                "alle Freigaben wieder erreichbar.",
            ),
            reject=("{server} wird nicht von uns betreut (anderer Dienstleister).",),
            notes=(
                "Platinum-Kunde, 4h-Reaktionszeit – Vor-Ort-Einsatz eingeplant.",
                "Ersatzplatte aus Lager genommen, Seriennummer {serial}.",
                "iLO-Log: {error} seit {time} Uhr.",
            ),
            calls=(
                "IT-Leitung erreicht. Vereinbart: Techniker ist um {time} Uhr vor Ort.",
                "Erreicht. Server per iLO neu gestartet, Freigaben wieder da.",
            ),
            done=("Festplatte getauscht", "Zertifikat erneuert"),
            refused=("Nicht unser System",),
        ),
        Texts(
            subjects=("URGENT: {server} unreachable", "Disk failure in {server} (RAID degraded)"),
            opening=(
                "our server {server} has been unreachable since {time}. Nobody can access the "
                "network drives. Please call back immediately!",
            ),
            ask=("please check whether the status LEDs on the server are red and send a photo.",),
            answer=(
                "slot {slot} is red, photo attached.",
                "what is the status? People cannot work.",
            ),
            solve=("the failed disk in slot {slot} was replaced and the RAID has resynchronised.",),
            reject=("{server} is not managed by us.",),
            notes=("Platinum customer, 4h response – on-site visit planned.",),
            calls=("Reached IT lead. Agreed: technician on site at {time}.",),
            done=("Disk replaced",),
            refused=("Not our system",),
        ),
    ),
    Scenario(
        "vpn",
        "Netzwerk/VPN",
        "incident",
        "2nd-Level",
        True,
        ("vpn", "homeoffice"),
        2,
        Texts(
            subjects=(
                "VPN-Verbindung bricht ständig ab",
                "{vpn}: Anmeldung schlägt fehl ({error})",
                "Kein Zugriff auf Netzlaufwerke im Homeoffice",
            ),
            opening=(
                "seit heute kann ich mich im Homeoffice nicht mehr per {vpn} verbinden. Die "
                'Meldung lautet "{error}".',
                "die VPN-Verbindung bricht alle paar Minuten ab, danach sind die Netzlaufwerke "
                "weg.",
                "nach dem Passwortwechsel funktioniert das VPN nicht mehr.",
            ),
            ask=(
                "bitte senden Sie uns die Version von {vpn} und das Verbindungsprotokoll "
                "(Einstellungen > Protokoll exportieren).",
                "funktioniert die Verbindung über einen anderen Internetanschluss, z. B. "
                "Handy-Hotspot?",
            ),
            answer=(
                "Version {version}, Protokoll anbei.",
                "über den Hotspot geht es, zuhause nicht.",
                "das Problem besteht weiterhin.",
            ),
            solve=(
                "das Zertifikat auf Ihrem Gerät war abgelaufen. Wir haben ein neues verteilt, "
                "bitte {vpn} einmal neu starten.",
                "Ihr Router blockiert IPsec. Wir haben Ihr Profil auf SSL-VPN umgestellt.",
            ),
            reject=("private Geräte dürfen laut Richtlinie kein Firmen-VPN nutzen.",),
            notes=(
                "Firewall-Log: Anmeldung von {ip2} abgelehnt, MFA-Timeout.",
                "Bekanntes Problem mit {vpn} {version}, Update auf neue Version empfohlen.",
            ),
            calls=(
                "Erreicht. Vereinbart: Fernwartung morgen um {time} Uhr.",
                "Erreicht. MFA neu eingerichtet, VPN läuft.",
            ),
            done=("Zertifikat erneuert", "Profil umgestellt"),
            refused=("Privatgerät",),
        ),
        Texts(
            subjects=("VPN keeps disconnecting", "{vpn}: login fails ({error})"),
            opening=(
                'since today I cannot connect with {vpn} from home. The message is "{error}".',
            ),
            ask=("please send us the {vpn} version and the connection log.",),
            answer=("version {version}, log attached.", "the problem persists."),
            solve=("the certificate on your device had expired; we deployed a new one.",),
            reject=("private devices may not use the company VPN.",),
            notes=("Firewall log: login from {ip2} rejected, MFA timeout.",),
            calls=("Reached. Agreed: remote session tomorrow at {time}.",),
            done=("Certificate renewed",),
            refused=("Private device",),
        ),
    ),
    Scenario(
        "rueckerstattung",
        "Abrechnung/Rückerstattung",
        "service_request",
        "Billing",
        True,
        ("rückerstattung", "rechnung"),
        1,
        Texts(
            subjects=(
                "Rückerstattung zu Rechnung {invoice}",
                "Doppelte Abbuchung {amount}",
                "Gutschrift für gekündigte Lizenzen",
                "Bitte um Rückerstattung – Bestellung {order}",
            ),
            opening=(
                "auf unserer Kreditkarte wurde die Rechnung {invoice} über {amount} zweimal "
                "abgebucht. Bitte erstatten Sie den doppelten Betrag.",
                "wir haben zum {since} {seats} Lizenzen gekündigt, die Rechnung {invoice} enthält "
                "sie aber noch. Bitte um Gutschrift.",
                "die Bestellung {order} wurde storniert, der Betrag von {amount} ist aber noch "
                "nicht zurückgebucht.",
            ),
            ask=(
                "bitte senden Sie uns einen Kontoauszug, auf dem die doppelte Abbuchung zu "
                "sehen ist.",
                "auf welches Konto (IBAN) dürfen wir den Betrag erstatten?",
            ),
            answer=(
                "Kontoauszug anbei, beide Buchungen vom {since}.",
                "bitte auf das bekannte Firmenkonto, IBAN endet auf {iban4}.",
                "wann können wir mit der Erstattung rechnen?",
            ),
            solve=(
                "wir haben Ihnen {amount} gutgeschrieben (Gutschrift {credit}). Der Betrag ist in "
                "3–5 Werktagen auf Ihrem Konto.",
                "die korrigierte Rechnung {invoice}-K und die Gutschrift liegen bei.",
            ),
            reject=(
                "die Kündigung ist erst nach Rechnungsstellung eingegangen; laut Vertrag ist eine "
                "anteilige Erstattung nicht möglich.",
            ),
            notes=(
                "Zahlungseingang zweimal am {since} verbucht – Erstattung freigeben.",
                "Freigabe durch Teamleitung nötig (> 500 €).",
                "Buchhaltung: Gutschrift {credit} erstellt.",
            ),
            calls=(
                "Erreicht. Vereinbart: Erstattung per Überweisung, kein Guthaben.",
                "Erreicht. Kunde schickt Kontoauszug heute noch.",
            ),
            done=("Betrag erstattet", "Gutschrift erstellt"),
            refused=("Kündigungsfrist nicht eingehalten", "Bereits erstattet"),
        ),
        Texts(
            subjects=(
                "Refund for invoice {invoice}",
                "Charged twice ({amount})",
                "Refund request – order {order}",
            ),
            opening=(
                "invoice {invoice} for {amount} was charged twice to our credit card. Please "
                "refund the duplicate.",
                "order {order} was cancelled but the {amount} has not been refunded yet.",
            ),
            ask=("please send us a bank statement showing both charges.",),
            answer=(
                "statement attached, both charges on {since}.",
                "when can we expect the refund?",
            ),
            solve=(
                "we have refunded {amount} (credit note {credit}); expect it within 3–5 "
                "business days.",
            ),
            reject=(
                "the cancellation arrived after invoicing; a pro-rata refund is not possible.",
            ),
            notes=("Payment received twice on {since} – approve refund.",),
            calls=("Reached. Agreed: refund by bank transfer.",),
            done=("Refunded",),
            refused=("Cancellation too late",),
        ),
    ),
    Scenario(
        "gebuehr",
        "Abrechnung/Gebührenbescheid",
        "service_request",
        "Billing",
        False,
        ("rechnung", "gebühren"),
        0,
        Texts(
            subjects=(
                "Gebührenbescheid {case} – Rückerstattung",
                "Müllgebühren doppelt berechnet",
                "Frage zum Bescheid vom {since}",
            ),
            opening=(
                "im Gebührenbescheid {case} werden die Müllgebühren für zwei Tonnen berechnet, "
                "wir haben aber nur eine. Bitte um Korrektur und Rückerstattung.",
                "ich habe den Betrag von {amount} versehentlich doppelt überwiesen.",
            ),
            ask=("bitte nennen Sie uns Ihre Bankverbindung für die Rückerstattung.",),
            answer=("IBAN endet auf {iban4}.", "gibt es schon einen neuen Bescheid?"),
            solve=("der Bescheid wurde korrigiert; {amount} werden Ihnen erstattet.",),
            reject=(
                "laut Behälterregister sind zwei Tonnen angemeldet; der Bescheid ist korrekt.",
            ),
            notes=("Behälterregister prüfen – zweite Tonne seit {since} abgemeldet?",),
            calls=("Erreicht. Vereinbart: Abmeldung der zweiten Tonne rückwirkend.",),
            done=("Bescheid korrigiert, Betrag erstattet",),
            refused=("Bescheid korrekt",),
        ),
        Texts(
            subjects=("Fee notice {case} – refund", "Waste fees charged twice"),
            opening=("I accidentally paid the fee of {amount} twice. Please refund it.",),
            ask=("please send us your bank details for the refund.",),
            answer=("IBAN ends in {iban4}.",),
            solve=("the notice has been corrected and {amount} will be refunded.",),
            reject=("the register shows two bins; the notice is correct.",),
            notes=("Check the bin register.",),
            calls=("Reached. Agreed: refund by transfer.",),
            done=("Refunded",),
            refused=("Notice correct",),
        ),
    ),
    Scenario(
        "passwort",
        "Zugang/Passwort",
        "service_request",
        "1st-Level-Support",
        True,
        ("passwort", "zugang"),
        1,
        Texts(
            subjects=(
                "Passwort zurücksetzen",
                "Konto gesperrt nach zu vielen Anmeldeversuchen",
                "Passwort vergessen – Bürgerportal",
                "Zwei-Faktor-Anmeldung: neues Handy",
            ),
            opening=(
                "ich habe mein Passwort vergessen und komme nicht mehr in mein Konto "
                "({login}). Bitte setzen Sie es zurück.",
                "mein Konto ist nach mehreren Fehlversuchen gesperrt. Benutzername: {login}.",
                "ich habe ein neues Handy und kann den zweiten Faktor nicht mehr bestätigen.",
            ),
            ask=(
                "aus Sicherheitsgründen rufen wir Sie unter der hinterlegten Nummer zurück. Wann "
                "sind Sie erreichbar?",
                "bitte bestätigen Sie uns Ihr Geburtsdatum und die letzten vier Stellen Ihrer "
                "Kundennummer.",
            ),
            answer=(
                "heute ab 14 Uhr bin ich erreichbar.",
                "Geburtsdatum {birthdate}, Kundennummer endet auf {iban4}.",
            ),
            solve=(
                "wir haben Ihr Passwort zurückgesetzt. Sie erhalten einen Link per SMS, der 24 "
                "Stunden gültig ist.",
                "Ihr Konto ist entsperrt und die Zwei-Faktor-Anmeldung zurückgesetzt. Bitte "
                "richten Sie die App beim nächsten Login neu ein.",
            ),
            reject=(
                "wir können das Passwort nur für den Kontoinhaber zurücksetzen. Bitte wenden Sie "
                "sich an Ihren Administrator.",
            ),
            notes=("Identität per Rückruf geprüft.", "Konto {login} im AD entsperrt."),
            calls=(
                "Erreicht, Identität geprüft. Passwort zurückgesetzt, Login klappt.",
                "Erreicht. Vereinbart: 2FA-Reset, neuer QR-Code per Mail.",
            ),
            done=("Passwort zurückgesetzt", "Konto entsperrt"),
            refused=("Nicht Kontoinhaber",),
        ),
        Texts(
            subjects=("Password reset", "Account locked", "Two-factor login: new phone"),
            opening=(
                "I forgot my password and cannot log in ({login}). Please reset it.",
                "my account is locked after too many attempts. Username: {login}.",
            ),
            ask=(
                "for security reasons we will call you back on your registered number. When are "
                "you available?",
            ),
            answer=("I am available from 2 pm today.",),
            solve=(
                "we have reset your password; you will receive a link by text message, valid "
                "for 24 hours.",
            ),
            reject=("we can only reset the password for the account owner.",),
            notes=("Identity verified by call-back.",),
            calls=("Reached, identity verified. Password reset, login works.",),
            done=("Password reset",),
            refused=("Not the account owner",),
        ),
    ),
    Scenario(
        "mail",
        "Software/E-Mail",
        "incident",
        "1st-Level-Support",
        True,
        ("outlook", "software"),
        1,
        Texts(
            subjects=(
                "Outlook startet nicht",
                "Postfach voll – keine Mails mehr",
                "Freigegebener Kalender nicht sichtbar",
                "Mails an {domain2} kommen nicht an",
            ),
            opening=(
                'Outlook bleibt beim Start bei "Profil wird geladen" hängen.',
                "ich bekomme die Meldung, dass mein Postfach voll ist, und kann keine Mails "
                "mehr senden.",
                'Mails an {domain2} kommen mit "550 5.7.1" zurück.',
            ),
            ask=("bitte senden Sie uns die vollständige Unzustellbarkeitsnachricht.",),
            answer=("anbei die Rückmeldung.", "tritt weiterhin auf."),
            solve=(
                "das Postfach wurde auf 100 GB erweitert und die Archivierung aktiviert.",
                "der Empfänger hatte unsere IP blockiert; nach Rücksprache ist die Sperre "
                "aufgehoben.",
            ),
            reject=("Postfacherweiterungen müssen von Ihrer IT-Leitung freigegeben werden.",),
            notes=("Postfachgröße {pages} MB, Archiv-Richtlinie fehlt.",),
            calls=("Erreicht. Outlook im abgesicherten Modus gestartet, Add-in deaktiviert.",),
            done=("Postfach erweitert", "Add-in deaktiviert"),
            refused=("Keine Freigabe",),
        ),
        Texts(
            subjects=("Outlook won't start", "Mailbox full", "Mails to {domain2} bounce"),
            opening=(
                'Outlook hangs at "Loading profile".',
                "mails to {domain2} bounce with 550 5.7.1.",
            ),
            ask=("please send us the full bounce message.",),
            answer=("bounce attached.", "still happening."),
            solve=("we extended the mailbox to 100 GB and enabled archiving.",),
            reject=("mailbox extensions need approval from your IT lead.",),
            notes=("Mailbox size {pages} MB, no archive policy.",),
            calls=("Reached. Started Outlook in safe mode, disabled the add-in.",),
            done=("Mailbox extended",),
            refused=("Not approved",),
        ),
    ),
)


@dataclass(frozen=True)
class Phrases:
    """What every thread in one language shares: greetings, sign-offs, small talk."""

    hello_desk: tuple[str, ...]  # a customer addressing the desk
    hello_customer: tuple[str, ...]  # an agent addressing the customer
    bye_customer: tuple[str, ...]
    bye_agent: tuple[str, ...]
    reply_prefix: str
    reminder: tuple[str, ...]  # the customer asks for news
    thanks: tuple[str, ...]
    not_reached: tuple[str, ...]  # call logs
    parked: tuple[str, ...]  # internal note when parking a ticket (Wiedervorlage)
    notes: tuple[str, ...]


PHRASES = {
    "de": Phrases(
        hello_desk=("Sehr geehrte Damen und Herren,", "Guten Tag,", "Hallo zusammen,", "Hallo,"),
        hello_customer=(
            "Guten Tag {salutation},",
            "Sehr geehrte{er} {salutation},",
            "Hallo {first} {last},",
        ),
        bye_customer=(
            "Mit freundlichen Grüßen\n{name}",
            "Viele Grüße\n{first} {last}",
            "Freundliche Grüße\n{name}\n{phone}",
            "Danke und Gruß\n{first}",
        ),
        bye_agent=(
            "Mit freundlichen Grüßen\n{agent}\nService Desk",
            "Viele Grüße\n{agent}\nService Desk | Tel. 0800 123 45 67",
        ),
        reply_prefix="AW: ",
        reminder=(
            "gibt es hierzu schon einen Stand? Ich habe noch keine Rückmeldung erhalten.",
            "ich wollte noch einmal nachfragen, wie es hier aussieht.",
        ),
        thanks=(
            "vielen Dank, das hat funktioniert!",
            "Danke für die schnelle Hilfe, alles erledigt.",
            "super, vielen Dank!",
        ),
        not_reached=(
            "Nicht erreicht, Nachricht auf der Mailbox hinterlassen.",
            "Nicht erreicht (besetzt). Erneuter Versuch am Nachmittag.",
            "Kein Anschluss unter der hinterlegten Nummer {phone}.",
        ),
        parked=(
            "Wiedervorlage: Rückmeldung von {colleague} abwarten.",
            "Wiedervorlage gesetzt – Kunde meldet sich nach dem {date}.",
            "Auf Lieferung gewartet, Wiedervorlage zum Liefertermin.",
        ),
        notes=(
            "Rücksprache mit {colleague} gehalten.",
            "Kunde ist {level}-Kunde, bitte bevorzugt behandeln.",
            "Ähnlicher Fall letzte Woche, Lösung siehe Wissensdatenbank.",
        ),
    ),
    "en": Phrases(
        hello_desk=("Dear Sir or Madam,", "Hello,", "Hi there,", "Good morning,"),
        hello_customer=("Dear {salutation},", "Hello {first},", "Hi {first} {last},"),
        bye_customer=(
            "Kind regards\n{name}",
            "Best regards\n{first} {last}",
            "Thanks,\n{first}\n{phone}",
        ),
        bye_agent=(
            "Kind regards\n{agent}\nService Desk",
            "Best regards\n{agent}\nService Desk | +49 800 123 45 67",
        ),
        reply_prefix="Re: ",
        reminder=("is there any update on this?", "just following up – I have not heard back yet."),
        thanks=("thank you, that worked!", "thanks for the quick help, all sorted."),
        not_reached=("No answer, left a voicemail.", "Line busy, will try again this afternoon."),
        parked=(
            "Follow-up: waiting for {colleague}.",
            "Follow-up set – customer gets back after {date}.",
        ),
        notes=(
            "Discussed with {colleague}.",
            "{level} customer, please prioritise.",
            "Similar case last week, see the knowledge base.",
        ),
    ),
}

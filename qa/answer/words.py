"""The word lists the answer rules read, in one place.

Each entry is a vocabulary: the words of one kind (titles, currencies, months, verbs of beating,
the words that name a kind of place) or an alternation of such words that a pattern is built from.
The rules that use a list stay in their own modules (named in each comment); the patterns that
read a question's shape (which type it asks, whom or what it names) stay with the question's
reading (question.py, reading.py, intent.py), and spaCy's tag and label sets with the rules that
read the tags.
"""

from __future__ import annotations

import re

from qa.attribute.lexicon import words as word_set

# --- people and their roles (roles.py, people.py, reading.py) ---

# A person's title or rank, capitalised right before the name: "King George III", "Major General
# James Abercrombie", "Sayyid Abul Ala Maududi".
TITLES = word_set(
    "president prime minister secretary senator governor mayor chancellor premier ambassador judge justice "
    "general professor doctor chief ceo chairman commander king queen prince princess emperor empress sultan "
    "shah tsar czar pope saint st. sir lord lady dame duke duchess count baron sayyid sheikh imam rabbi bishop "
    "archbishop cardinal reverend major lieutenant colonel captain admiral sergeant marshal dr. mr. mrs. ms. miss"
)
NAME_SUFFIXES = frozenset({"jr.", "sr.", "jr", "sr"})
# "Who is the leader of Chile?": a head of state, government or body holds the general role
HEAD_ROLES = dict.fromkeys(
    ("leader", "head", "ruler"),
    word_set(
        "president premier king queen emperor empress monarch sultan chancellor chairman chairwoman chief ceo "
        "governor mayor"
    ),
)
ROLE_HOLDING = frozenset({"as"})  # "elected as president": the one preposition that gives the role
# "Who runs Chile?": verbs of leading a country, asked as "Who is the leader of Chile?"
LEADING_VERBS = r"(?:leads|runs|rules|governs|heads)"
TELL = frozenset({"tell", "tells", "told", "telling"})
# a question whose verb is one of these asks who was spoken to ("Who did she talk to?")
TALK = frozenset({"talk", "talked", "talking", "speak", "spoke", "spoken", "speaking"})
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
# "Which team ...", "what company ...": the question asks for a group, not a person.
GROUP_NOUNS = r"team|group|company|companies|organi[sz]ation|band|party|club|firm|agency|country"

# --- places (places.py, reading.py) ---

# "Which region ...", "what river ...": words naming a kind of place that is no country or city
REGIONS = re.compile(r"\b(region|continent|area|ocean|sea|river|mountains?|desert|valley)\b")
CITY_KINDS = frozenset({"city", "town", "village"})
# Short and former names in common use that ISO 3166 does not list, with the country they name
# (None: a country of its own, listed apart: England beside the UK, Prussia beside Germany).
COUNTRY_ALIASES: dict[str, str | None] = {
    **dict.fromkeys(("US", "America"), "US"),
    **dict.fromkeys(("Britain", "Great Britain", "UK", "U.K."), "GB"),
    **dict.fromkeys(("Soviet Union", "USSR"), "SU"),
    **{"Russia": "RU", "Turkey": "TR", "Burma": "MM", "Holland": "NL", "Ivory Coast": "CI"},
    **{"Macedonia": "MK", "Vatican": "VA", "Palestine": "PS"},
    **dict.fromkeys(("England", "Scotland", "Wales", "Northern Ireland", "Czechoslovakia", "Yugoslavia")),
    **dict.fromkeys(("East Germany", "West Germany", "Prussia", "Persia")),
}
PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "on", "near", "inside", "within", "across", "through", "throughout", "into", "onto"}
    | {"outside", "along", "beside", "from", "to"}
)
# "according to the customs", "prior to the game", "born to the consorts", "open to the public":
# a "to" after these words is no way to a place.
NOT_TOWARDS = word_set(
    "according prior due owing thanks born similar compared open addition related relative subject contrary"
)

# --- numbers (amounts.py, reading.py) ---

# "How much is the fee?", and a size asked of a sum ("How large is the fee?", "How high was the
# budget?"): an amount of money, so a count of something else ("2,000 seats") is no answer (none
# found: the documents don't say).
MONEY_ASKED = re.compile(
    r"\bhow (?:much|large|big|high|low|small)\b.*"
    r"\b(?:money|cost|pay|paid|earn|spen[dt]|raise|worth|price|revenue|budget|fund|fees?\b|charge|salar|wage)"
)
CURRENCY = frozenset(
    {"usd", "eur", "gbp", "chf", "rs", "cents", "yen", "yuan", "lira", "lire", "dinars"}  # signs: is_currency
    | {"dollar", "dollars", "euro", "euros", "pound", "pounds", "franc", "francs", "mark", "marks", "rupees"}
    | {"pesos", "rubles", "roubles", "shillings", "guilders", "crowns", "kronor", "krona", "pence", "florins", "ducats"}
)
# Words that say how exact a number is, or from or to when a time runs: "over 90 destinations",
# "since the 1950s", "until 1796" (how long), "more than 300".
QUALIFIERS = frozenset({"over", "about", "around", "nearly", "almost", "approximately", "roughly", "since", "until"})
QUALIFIER_PAIRS = frozenset({("more", "than"), ("less", "than"), ("fewer", "than"), ("at", "least"), ("up", "to")})
# "how long" / "how old" ask for a length of time, "how far" ... "how heavy" for a size
DURATION_WORDS = "long|old"
SIZE_WORDS = "far|high|tall|large|big|deep|wide|heavy"
# "How much did the price of oil increase?" may be answered by a share ("less than two percent").
CHANGE = re.compile(r"\b(?:increase|rise|rose|grow|grew|fall|fell|drop|decline|change|cut|reduce)")
# "a maximum capacity of 2,000 seats" says how many a place can take, which answers "How many
# can it hold?" or "How big is it?", not how many are there or will be sent.
CAPACITY_ASKED = re.compile(
    r"\b(?:capacity|hold|holds|held|house|fit|accommodate|seat|seats|big|large|size|maximum|max|can|could)\b"
)
# ... and words that ask how many there are at present instead
NOW = re.compile(r"\b(?:currently|current|now|today|at present|presently|at the moment)\b")

# --- dates (dates.py) ---

# The word that places a date: "after their second year", "before 1900", "about 1200"
# (not "since" or "until": "until 1798" reads as a wrong answer to "When was it first measured?").
TIME_QUALIFIERS = frozenset({"after", "before", "about", "around", "circa", "c."})
ERAS = frozenset({"BC", "BCE", "AD", "CE", "B.C.", "A.D.", "B.C.E.", "C.E."})  # in capitals: "2015 ad spending"
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
DAY_NAMES = frozenset(WEEKDAYS.split("|"))
# Words beside the months and weekdays that say when: an answer to "what date" holds one or a digit
CALENDAR_WORDS = (
    r"centur(?:y|ies)|decades?|years?|days?|eve|night|today|yesterday|"
    r"tomorrow|weekends?|mornings?|evenings?|afternoons?|"
    r"christmas|easter|spring|summer|autumn|winter"
)
# Words that open a time clause ("while a child was in school"): a when-answer with no date
TIME_OPENERS = "when|while|after|before|until|once|during|since"

# --- the question's wording (question.py, summary.py) ---

# The words after "how", and the nouns after "what" / "which", that ask for each answer type.
HOW_MUCH = "many|much|long|far|old|large|big|tall|high|often"
COUNT_NOUNS = "number|percentage|percent|amount"
MEASURE_NOUNS = "capacity|population|number|size|length|height|cost|price"  # "what is its capacity"
TIME_NOUNS = "year|date|day|month|time|century|decade|period|era"
PLACE_NOUNS = "city|country|state|place|region|location|town|continent|island"
PERSON_NOUNS = "person|people|man|woman|groups?|teams?|compan(?:y|ies)|organi[sz]ations?|player|president"

# Words a relative clause's question word may follow and still ask ("in which", "of whom").
LEADS_IN = frozenset(
    {"in", "of", "at", "on", "for", "from", "to", "by", "with", "and", "or", "but", "than", "about", "into"}
    | {"during", "since", "until", "among", "between", "under", "after", "before", ","}
)
# What a question calls the document: "in this story", "according to the text"
DOCUMENT = r"(?:this|the)\s+(?:news\s+)?(?:story|article|text|report|piece|document|passage)"
# ... and what a request for a summary calls it: "summarize the article", "what is the story about?"
SUMMARISED = r"(?:the |this |that )?(?:article|document|text|story|report|piece|news|file)s?"
SUMMARY_VERBS = r"summari[sz]e|sum up|recap"
SUMMARY_NOUNS = r"summary|overview|gist|tl;?dr|main points|key points"

# --- who said what (attributed.py) ---

SPEECH = (
    r"(say|said|says|offer\w*|announc\w*|confirm\w*|state[sd]?|told|tell\w*|claim\w*|propos\w*|promis\w*"
    r"|agree[sd]?|prais\w*|add(?:ed|s)?|den(?:y|ied|ies)|warn\w*|argu\w*|insist\w*|pledg\w*|comment\w*)"
)
STATEMENTS = r"(offers?|statements?|proposals?|promises?|claims?|pledges?|announcements?)"

# --- lists of names (inventory.py): the words for each kind of name a question may list ---

PEOPLE_WORDS = ("people", "persons", "person", "individuals", "names")
COUNTRY_WORDS = ("countries", "country", "nations")
PLACE_WORDS = ("places", "place", "locations")
ORGANISATION_WORDS = ("organizations", "organisations", "organization", "organisation", "institutions", "companies")
DATE_WORDS = ("dates",)
# what a question asking for the list says the names are: "Which countries are mentioned?"
MENTIONED = r"mentioned|named|cited|referred\s+to|listed"

# --- quotes (phrases.py) ---

BINDING = frozenset({"of", "’s", "'s"})  # "the capacity of the prison": one phrase
# Words that open a clause of their own, where a quote may be cut (quote.py): not "and" / "or",
# which as often join two names, nor "that" / "which", which often open a clause the noun needs.
CLAUSE_OPENERS = "but|while|whereas|although|because"

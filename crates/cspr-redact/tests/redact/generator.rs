//! A generator of labelled review paragraphs for issue 19's gaps: known names that are words,
//! months or virtues in every position and form, unknown people, named organisations, dates in
//! every written form, places of several words and estates, and the generic mentions and
//! ordinary-word uses that must stay (or be findings in doubt). Deterministic (a fixed seed);
//! every sentence and list here is written for this project, no outside text.
//!
//! Shared by the `generated` test module and the `generated_set` example, which writes the
//! paragraphs in the development set's JSON Lines form for its scorer.

// Each user takes only part of it: the tests the spans, the examples the texts.
#![allow(dead_code, reason = "shared by the tests and two examples")]

use cspr_redact::{CaseKnowledge, CasePerson};

/// A small fast deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// What a gold span is, for the per-kind figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A name the case gives that is also a word, month or virtue (June, Hope, Little).
    KnownWordName,
    /// A name the case gives that is no word.
    KnownName,
    /// A person the case does not list.
    Unknown,
    Org,
    Date,
    Place,
}

impl Kind {
    /// The development set's label for the kind.
    #[allow(
        dead_code,
        reason = "used by the generated_set example, not by the tests"
    )]
    pub fn label(self) -> &'static str {
        match self {
            Self::KnownWordName | Self::KnownName | Self::Unknown => "PERSON",
            Self::Org => "ORG",
            Self::Date => "DATE",
            Self::Place => "LOCATION",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::KnownWordName => "known person, word name",
            Self::KnownName => "known person, other name",
            Self::Unknown => "unknown person",
            Self::Org => "organisation",
            Self::Date => "date",
            Self::Place => "place",
        }
    }
}

/// A span in bytes, end exclusive; `form` says how it was written ("possessive", "caps").
#[derive(Debug, Clone)]
pub struct Gold {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub form: &'static str,
}

/// Something that must stay (a generic mention) or, for an ordinary-word use of a known name,
/// must be a finding in doubt; neither is personal data, so neither counts for precision.
#[derive(Debug, Clone)]
pub struct Other {
    pub start: usize,
    pub end: usize,
    /// `true`: an ordinary-word use of a known name, to be found with a note; `false`: a
    /// generic mention, to be left alone.
    pub doubt: bool,
}

#[derive(Debug, Clone)]
pub struct Paragraph {
    pub text: String,
    pub case: CaseKnowledge,
    pub gold: Vec<Gold>,
    pub others: Vec<Other>,
}

const WORD_FIRST: &[&str] = &[
    "June", "April", "May", "Summer", "Hope", "Patience", "Blessing", "River", "Faith", "Grace",
    "Joy", "Autumn", "Rose", "Ruby", "Jack", "Sky", "Storm", "Honey", "Precious", "Favour",
    "Mercy", "Destiny", "Angel", "Brook",
];
const PLAIN_FIRST: &[&str] = &[
    "Kayden",
    "Tyler",
    "Leah",
    "Jade",
    "Kelsey",
    "Callum",
    "Shannon",
    "Aaron",
    "Nathan",
    "Megan",
    "Chantelle",
    "Jayden",
    "Demi",
    "Reece",
    "Kyle",
    "Tanisha",
    "Oskar",
    "Amelia",
    "Zainab",
    "Tomasz",
];
const WORD_SURNAME: &[&str] = &[
    "Little", "Wood", "Ward", "Bird", "Rich", "Sharp", "Bush", "Moss", "Stone", "Lamb",
];
const PLAIN_SURNAME: &[&str] = &[
    "Ashworth",
    "Okafor",
    "Kowalczyk",
    "Brennan",
    "McAllister",
    "Oyelaran",
    "Hargreaves",
    "Nwosu",
    "Szymanski",
    "Pemberton",
    "Dunleavy",
    "Achterberg",
];
const UNKNOWN_FIRST: &[&str] = &[
    "Karen", "Darren", "Lisa", "Wayne", "Joanne", "Craig", "Nicola", "Gareth", "Claire", "Stuart",
    "Kerry", "Jason", "Michelle", "Natalie", "Shaun", "Deborah", "Imran", "Priya", "Marek",
    "Siobhan",
];
const UNKNOWN_SURNAME: &[&str] = &[
    "Doyle",
    "Hughes",
    "Gallagher",
    "McBride",
    "Thornton",
    "Whitaker",
    "Lowther",
    "Pritchard",
    "Sutcliffe",
    "Ogunbiyi",
    "Nowak",
    "Reilly",
    "Atkinson",
    "Barraclough",
    "Hussain",
    "Chaudhry",
];
const ORG_STEMS: &[&str] = &[
    "Oakfield",
    "Riverside",
    "Hillside",
    "Beechwood",
    "Northgate",
    "Westbrook",
    "Greenfields",
    "Ashgrove",
    "Millbrook",
    "Elmhurst",
    "Brookvale",
    "Larchmont",
];
const SAINTS: &[&str] = &["Mary", "Anne", "Joseph", "Bede", "Aidan", "Hilda", "Chad"];
const TOWNS: &[&str] = &[
    "Newcastle upon Tyne",
    "Stoke-on-Trent",
    "Bishop's Stortford",
    "Bishop\u{2019}s Stortford",
    "King's Lynn",
    "Barrow-in-Furness",
    "Southend-on-Sea",
    "Milton Keynes",
    "Great Yarmouth",
    "Hemel Hempstead",
    "St Albans",
    "St Helens",
    "Rochdale",
    "Blackpool",
    "Middlesbrough",
    "Wolverhampton",
];
const ESTATE_STEMS: &[&str] = &[
    "Meadowell",
    "Broadwater Farm",
    "Oak Park",
    "Kingsmead",
    "Harefield",
    "Longbridge",
];
const DISTRICTS: &[&str] = &["St Ann's", "St Jude\u{2019}s", "St Ann\u{2019}s"];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const SHORT_MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// One person of the generated case.
struct Person {
    first: String,
    surname: String,
    word_first: bool,
    word_surname: bool,
}

/// Writes a paragraph piece by piece, noting where each labelled piece lands.
struct Writer {
    text: String,
    gold: Vec<Gold>,
    others: Vec<Other>,
}

impl Writer {
    fn put(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn gold(&mut self, s: &str, kind: Kind, form: &'static str) {
        let start = self.text.len();
        self.text.push_str(s);
        self.gold.push(Gold {
            start,
            end: self.text.len(),
            kind,
            form,
        });
    }

    fn other(&mut self, s: &str, doubt: bool) {
        let start = self.text.len();
        self.text.push_str(s);
        self.others.push(Other {
            start,
            end: self.text.len(),
            doubt,
        });
    }
}

fn ordinal(day: usize) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

/// A date in one of the forms reviews write, and the form's name.
fn date(rng: &mut Rng) -> (String, &'static str) {
    let day = 1 + rng.below(28);
    let month = rng.below(12);
    let year = 2008 + rng.below(17);
    let yy = year % 100;
    let full = MONTHS[month];
    let short = SHORT_MONTHS[month];
    match rng.below(16) {
        0 => (format!("{day} {short} {yy:02}"), "d mon yy"),
        1 => (format!("{day:02}/{:02}/{yy:02}", month + 1), "dd/mm/yy"),
        2 => (format!("{day:02}.{:02}.{year}", month + 1), "dd.mm.yyyy"),
        3 => (format!("{full} {year}"), "month yyyy"),
        4 => (format!("{} of {full}", ordinal(day)), "dth of month"),
        5 => (
            format!("{}. {year}", if month == 8 { "Sept" } else { short }),
            "mon. yyyy",
        ),
        6 => (format!("{year}-{:02}-{day:02}", month + 1), "iso"),
        7 => (
            format!("{day}-{} {full} {year}", (day + 2).min(28)),
            "day range",
        ),
        8 => (
            format!("{full} to {} {year}", MONTHS[(month + 2) % 12]),
            "month range",
        ),
        9 => (format!("{full} {}", ordinal(day)), "month dth"),
        10 => (format!("{short} {day}, {year}"), "mon d, yyyy"),
        11 => (format!("{day}-{short}-{yy:02}"), "d-mon-yy"),
        12 => (format!("{short} '{yy:02}"), "mon 'yy"),
        13 => (format!("{:02}/{year}", month + 1), "mm/yyyy"),
        14 => (format!("{} {full} {year}", ordinal(day)), "dth month yyyy"),
        _ => (format!("{day}/{}/{year}", month + 1), "d/m/yyyy"),
    }
}

/// A named organisation in one of the forms reviews write.
fn organisation(rng: &mut Rng) -> (String, &'static str) {
    let stem = *rng.pick(ORG_STEMS);
    let apostrophe = if rng.chance(50) { "'" } else { "\u{2019}" };
    match rng.below(12) {
        0 => (
            format!("{stem} Children{apostrophe}s Centre"),
            "children's centre",
        ),
        1 => ("Little Acorns Nursery".into(), "nursery"),
        2 => (format!("{stem} Nursery"), "nursery"),
        3 => (
            format!("St {}{apostrophe}s C of E Primary School", rng.pick(SAINTS)),
            "school",
        ),
        4 => (format!("{stem} Academy"), "academy"),
        5 => (format!("{stem} College"), "college"),
        6 => (format!("{stem} Medical Centre"), "medical centre"),
        7 => (format!("The {stem} Surgery"), "surgery"),
        8 => (
            format!("Dr {}{apostrophe}s practice", rng.pick(UNKNOWN_SURNAME)),
            "doctor's practice",
        ),
        9 => (format!("{stem} Housing Association"), "housing"),
        10 => (format!("Homes for {stem}"), "housing"),
        _ => (format!("{stem} Primary School"), "school"),
    }
}

fn place(rng: &mut Rng) -> (String, &'static str) {
    match rng.below(4) {
        0 | 1 => ((*rng.pick(TOWNS)).to_string(), "town"),
        2 => {
            let stem = rng.pick(ESTATE_STEMS);
            let word = if rng.chance(50) { "estate" } else { "Estate" };
            (format!("{stem} {word}"), "estate")
        }
        _ => ((*rng.pick(DISTRICTS)).to_string(), "district"),
    }
}

fn case_of(rng: &mut Rng) -> (Vec<Person>, CaseKnowledge) {
    let surname_word = rng.chance(30);
    let family = if surname_word {
        (*rng.pick(WORD_SURNAME)).to_string()
    } else if rng.chance(25) {
        format!("{}-{}", rng.pick(PLAIN_SURNAME), rng.pick(UNKNOWN_SURNAME))
    } else {
        (*rng.pick(PLAIN_SURNAME)).to_string()
    };
    let roles = ["child", "sibling", "mother", "father"];
    let mut used: Vec<String> = Vec::new();
    let mut people = Vec::new();
    for role in roles {
        let word_first = rng.chance(60);
        let first = loop {
            let f = if word_first {
                rng.pick(WORD_FIRST)
            } else {
                rng.pick(PLAIN_FIRST)
            };
            if !used.iter().any(|u| u == f) {
                break (*f).to_string();
            }
        };
        used.push(first.clone());
        // The father keeps a surname of his own half the time.
        let (surname, word_surname) = if role == "father" && rng.chance(50) {
            ((*rng.pick(PLAIN_SURNAME)).to_string(), false)
        } else {
            (family.clone(), surname_word)
        };
        people.push(Person {
            first,
            surname,
            word_first,
            word_surname,
        });
    }
    let case = CaseKnowledge {
        people: people
            .iter()
            .zip(roles)
            .map(|(p, role)| CasePerson {
                role: role.into(),
                name: format!("{} {}", p.first, p.surname),
                aliases: Vec::new(),
                dob: None,
                addresses: Vec::new(),
            })
            .collect(),
        pseudonyms: people
            .iter()
            .zip(["Child A", "Sibling 1", "Mother", "Father"])
            .map(|(p, ps)| (format!("{} {}", p.first, p.surname), ps.to_string()))
            .collect(),
    };
    (people, case)
}

fn known_kind(word: bool) -> Kind {
    if word {
        Kind::KnownWordName
    } else {
        Kind::KnownName
    }
}

/// A known person's first name in one of the forms: the returned text is written around it.
fn known_first(w: &mut Writer, rng: &mut Rng, p: &Person, sentence_start: bool) {
    let kind = known_kind(p.word_first);
    match rng.below(6) {
        0 => {
            w.gold(&p.first, kind, "possessive");
            w.put(if rng.chance(50) { "'s" } else { "\u{2019}s" });
            w.put(if rng.chance(50) { " mother" } else { " friend" });
        }
        1 if !sentence_start => {
            w.gold(&p.first.to_uppercase(), kind, "caps");
        }
        2 => {
            w.gold(&p.first, kind, "hyphenated");
            w.put(if rng.chance(50) { "-Marie" } else { "-Louise" });
        }
        _ => w.gold(
            &p.first,
            kind,
            if sentence_start {
                "sentence start"
            } else {
                "first"
            },
        ),
    }
}

fn unknown_person(w: &mut Writer, rng: &mut Rng) {
    let f = *rng.pick(UNKNOWN_FIRST);
    let s = *rng.pick(UNKNOWN_SURNAME);
    match rng.below(5) {
        0 => {
            w.put("Dr ");
            w.gold(&format!("{f} {s}"), Kind::Unknown, "title");
        }
        1 => {
            w.put("PC ");
            w.gold(&format!("{f} {s}"), Kind::Unknown, "title");
        }
        2 => {
            w.put("the social worker, ");
            w.gold(&format!("{f} {s}"), Kind::Unknown, "role");
            w.put(",");
        }
        3 => {
            w.put("Ms ");
            w.gold(s, Kind::Unknown, "title surname");
        }
        _ => {
            w.gold(&format!("{f} {s}"), Kind::Unknown, "full");
            w.put(" (health visitor)");
        }
    }
}

/// One paragraph of four to seven sentences about one case.
pub fn paragraph(rng: &mut Rng) -> Paragraph {
    let (people, case) = case_of(rng);
    let mut w = Writer {
        text: String::new(),
        gold: Vec::new(),
        others: Vec::new(),
    };
    let sentences = 4 + rng.below(4);
    for _ in 0..sentences {
        let p = &people[rng.below(people.len())];
        let q = &people[rng.below(people.len())];
        match rng.below(27) {
            0 => {
                known_first(&mut w, rng, p, true);
                w.put(" was seen at home by ");
                unknown_person(&mut w, rng);
                w.put(". ");
            }
            1 => {
                w.put("On ");
                let (d, form) = date(rng);
                w.gold(&d, Kind::Date, form);
                w.put(" the family moved to ");
                let (pl, form) = place(rng);
                w.gold(&pl, Kind::Place, form);
                w.put(". ");
            }
            2 => {
                let (o, form) = organisation(rng);
                w.gold(&o, Kind::Org, form);
                w.put(" reported that ");
                known_first(&mut w, rng, p, false);
                w.put(" had missed sessions since ");
                let (d, form) = date(rng);
                w.gold(&d, Kind::Date, form);
                w.put(". ");
            }
            3 => {
                // A message quoted in lower case.
                w.put("The message read: 'tell ");
                w.gold(
                    &p.first.to_lowercase(),
                    known_kind(p.word_first),
                    "lower in message",
                );
                w.put(" im sorry'. ");
            }
            4 => {
                w.put("Mrs ");
                w.gold(&p.surname, known_kind(p.word_surname), "surname alone");
                w.put(" said that ");
                known_first(&mut w, rng, q, false);
                w.put(" was at ");
                let (o, form) = organisation(rng);
                w.gold(&o, Kind::Org, form);
                w.put(". ");
            }
            5 => {
                w.gold(
                    &format!("{} {}", p.first, p.surname).to_uppercase(),
                    known_kind(p.word_first || p.word_surname),
                    "caps full",
                );
                w.put(" was discussed at the strategy meeting on ");
                let (d, form) = date(rng);
                w.gold(&d, Kind::Date, form);
                w.put(". ");
            }
            6 => {
                w.put("Friends of the ");
                w.gold(&p.surname, known_kind(p.word_surname), "family name");
                w.put(if rng.chance(50) { "-family" } else { " family" });
                w.put(" lived in ");
                let (pl, form) = place(rng);
                w.gold(&pl, Kind::Place, form);
                w.put(". ");
            }
            7 => {
                // Generic mentions that stay.
                w.put("The ");
                w.other("school", false);
                w.put(" and the ");
                w.other("GP practice", false);
                w.put(" shared concerns with ");
                w.other("Children's Social Care", false);
                w.put(" and the ");
                w.other("Primary School", false);
                w.put(". ");
            }
            8 => {
                w.put("They lived on a ");
                w.other("housing estate", false);
                w.put(" near the ");
                w.other("Medical Centre", false);
                w.put("; the police and the ");
                w.other("NHS Foundation Trust", false);
                w.put(" were told. ");
            }
            9 => {
                // A known name's ordinary-word use: a finding, in doubt.
                let lower = p.first.to_lowercase();
                if matches!(
                    lower.as_str(),
                    "hope" | "patience" | "faith" | "grace" | "joy"
                ) {
                    w.put("There was little ");
                    w.other(&lower, true);
                    w.put(" of change. ");
                } else {
                    w.put("Later, ");
                    known_first(&mut w, rng, p, false);
                    w.put(" stayed with ");
                    known_first(&mut w, rng, q, false);
                    w.put(". ");
                }
            }
            10 => {
                w.put("Seen at ");
                let (o, form) = organisation(rng);
                w.gold(&o, Kind::Org, form);
                w.put(" with ");
                known_first(&mut w, rng, p, false);
                w.put(" and ");
                w.gold(
                    &format!("{} {}", q.first, q.surname),
                    known_kind(q.word_first || q.word_surname),
                    "full",
                );
                w.put(". ");
            }
            11 => {
                unknown_person(&mut w, rng);
                w.put(" visited on ");
                let (d, form) = date(rng);
                w.gold(&d, Kind::Date, form);
                w.put(" and spoke to ");
                known_first(&mut w, rng, p, false);
                w.put(". ");
            }
            12 => {
                w.put("Home visits took place in ");
                let (pl, form) = place(rng);
                w.gold(&pl, Kind::Place, form);
                w.put(" and ");
                let (pl, form) = place(rng);
                w.gold(&pl, Kind::Place, form);
                w.put(". ");
            }
            14 => {
                // A list of the children's names.
                let r = &people[rng.below(people.len())];
                w.put("The children, ");
                w.gold(&p.first, known_kind(p.word_first), "in a list");
                w.put(", ");
                w.gold(&q.first, known_kind(q.word_first), "in a list");
                w.put(" and ");
                w.gold(&r.first, known_kind(r.word_first), "in a list");
                w.put(", were spoken to alone. ");
            }
            15 => {
                // Messages in lower case: possessive without an apostrophe, a name mid-message.
                w.put("Text from Mother: 'is ");
                w.gold(
                    &p.first.to_lowercase(),
                    known_kind(p.word_first),
                    "lower in message",
                );
                w.put(" with u? ");
                w.gold(
                    &q.first.to_lowercase(),
                    known_kind(q.word_first),
                    "lower possessive",
                );
                w.put("s dad is here'. ");
            }
            16 => {
                w.put("Re: ");
                w.gold(
                    &format!("{} {}", p.first, p.surname),
                    known_kind(p.word_first || p.word_surname),
                    "heading",
                );
                w.put(" (");
                let (d, form) = date(rng);
                w.gold(&d, Kind::Date, form);
                w.put("). ");
            }
            17 => {
                w.gold(
                    &p.first.to_uppercase(),
                    known_kind(p.word_first),
                    "caps possessive",
                );
                w.put("'S BEDROOM was checked by ");
                unknown_person(&mut w, rng);
                w.put(". ");
            }
            18 => {
                w.put(if rng.chance(50) { "Miss " } else { "Master " });
                w.gold(&p.first, known_kind(p.word_first), "title first");
                w.put(" and the ");
                w.gold(
                    &format!("{}s", p.surname),
                    known_kind(p.word_surname),
                    "plural family",
                );
                w.put(" were offered support. ");
            }
            19 => {
                // A month that is also a known name: a finding in doubt.
                let lower = p.first.to_lowercase();
                if matches!(lower.as_str(), "may" | "june" | "april") {
                    w.put("The review period began in ");
                    w.other(&p.first, true);
                    w.put(". ");
                } else {
                    w.put("\"");
                    w.gold(&p.first, known_kind(p.word_first), "quoted speech");
                    w.put(", come here,\" said ");
                    unknown_person(&mut w, rng);
                    w.put(". ");
                }
            }
            20 => {
                let (o, form) = organisation(rng);
                w.put("Staff at ");
                w.gold(&o, Kind::Org, form);
                w.put(" said ");
                w.gold(&p.first, known_kind(p.word_first), "first");
                w.put(" was withdrawn between ");
                let day = 1 + rng.below(20);
                w.gold(
                    &format!(
                        "{day} and {} {} {}",
                        day + 3,
                        MONTHS[rng.below(12)],
                        2010 + rng.below(14)
                    ),
                    Kind::Date,
                    "between range",
                );
                w.put(". ");
            }
            21 => {
                let days = [
                    "Mon", "Tue", "Tues", "Wed", "Thu", "Thurs", "Fri", "Sat", "Sun",
                ];
                w.put("Seen ");
                w.gold(
                    &format!(
                        "{} {} {} {}",
                        rng.pick(&days),
                        ordinal(1 + rng.below(28)),
                        if rng.chance(50) {
                            "Sept."
                        } else {
                            SHORT_MONTHS[rng.below(12)]
                        },
                        2010 + rng.below(14)
                    ),
                    Kind::Date,
                    "short day name",
                );
                w.put(" and again on ");
                w.gold(
                    &format!(
                        "{}.{}.{}",
                        1 + rng.below(28),
                        1 + rng.below(12),
                        10 + rng.below(14)
                    ),
                    Kind::Date,
                    "d.m.yy",
                );
                w.put(". ");
            }
            22 => {
                let towns = [
                    "Newcastle-upon-Tyne",
                    "Stratford-upon-Avon",
                    "Weston-super-Mare",
                    "Ashton-under-Lyne",
                    "Bury St Edmunds",
                    "Sutton Coldfield",
                    "Kings Lynn",
                ];
                w.put("Her grandmother lives in ");
                let town: &str = towns[rng.below(towns.len())];
                w.gold(town, Kind::Place, "town");
                w.put(", near ");
                let (pl, form) = place(rng);
                w.gold(&pl, Kind::Place, form);
                w.put(". ");
            }
            23 => {
                let (o, form) = organisation(rng);
                w.gold(&o, Kind::Org, form);
                w.put(if rng.chance(50) { "'s" } else { "\u{2019}s" });
                w.put(" records show that ");
                w.gold(
                    &p.surname.to_uppercase(),
                    known_kind(p.word_surname),
                    "caps surname",
                );
                w.put(", ");
                w.gold(&p.first, known_kind(p.word_first), "surname forename");
                w.put(" was absent. ");
            }
            24 => {
                w.put("She said ");
                w.gold(&p.first, known_kind(p.word_first), "before a verb");
                w.put(" and ");
                w.gold(&q.first, known_kind(q.word_first), "before a verb");
                w.put(" had been fighting. ");
            }
            25 => {
                w.put("Contact took place at ");
                let stem = rng.pick(ORG_STEMS);
                let kind = rng.pick(&["Family Centre", "Health Centre", "Community Centre"]);
                w.gold(&format!("{stem} {kind}"), Kind::Org, "centre");
                w.put(" with ");
                w.gold(&p.first, known_kind(p.word_first), "first");
                w.put(". ");
            }
            _ => {
                w.put("According to ");
                known_first(&mut w, rng, p, false);
                w.put(", ");
                unknown_person(&mut w, rng);
                w.put(" had called on ");
                let (d, form) = date(rng);
                w.gold(&d, Kind::Date, form);
                w.put(". ");
            }
        }
    }
    let text = w.text.trim_end().to_string();
    Paragraph {
        text,
        case,
        gold: w.gold,
        others: w.others,
    }
}

/// `n` paragraphs from `seed`.
pub fn paragraphs(seed: u64, n: usize) -> Vec<Paragraph> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| paragraph(&mut rng)).collect()
}

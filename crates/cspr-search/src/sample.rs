//! A deterministic generator of realistic, entirely synthetic review records, with the ground
//! truth (each record's main and other themes) needed to judge relevance. Every sentence here
//! was written for this project. The relevance tests, the benchmark and the demonstration data
//! (`cspr serve --demo`) use it; nothing here is a real review.

use crate::{AgeGroup, ReviewRecord, ReviewType};

/// SplitMix64: small, fast and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn sentence(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// A theme: its name, title phrases, sentences for summaries and reports, and the ages it
/// usually concerns.
#[derive(Debug)]
pub struct Theme {
    pub name: &'static str,
    pub titles: &'static [&'static str],
    pub sentences: &'static [&'static str],
    pub ages: &'static [AgeGroup],
}

use AgeGroup::*;

pub const THEMES: &[Theme] = &[
    Theme {
        name: "neglect",
        titles: &[
            "Neglect over many years",
            "Chronic neglect in a large family",
            "Cumulative harm from neglect",
        ],
        sentences: &[
            "Home conditions were poor and the children were often hungry when they arrived at school.",
            "Concerns about neglect were raised by the school over several years without a strategy discussion.",
            "The family lived in a cold and cluttered house with little food and no clean bedding.",
            "Practitioners became used to the low standard of care and the neglect was normalised.",
            "Dental decay, head lice and poor hygiene were recorded but not seen together as neglect.",
        ],
        ages: &[From1To4, From5To10],
    },
    Theme {
        name: "non-accidental injury",
        titles: &[
            "Serious non-accidental injury to an infant",
            "Fractures in a young baby",
            "Inflicted injury in the first months",
        ],
        sentences: &[
            "The baby was admitted to hospital with rib fractures and a subdural haematoma.",
            "A skeletal survey found healing fractures of different ages, consistent with non-accidental injury.",
            "The explanation given by the parents did not account for the injuries found by the consultant.",
            "Earlier bruising had been seen by the health visitor but the baby was not referred for assessment.",
            "The father had a history of violence that was not known to the midwife or the hospital.",
        ],
        ages: &[Under1, From1To4],
    },
    Theme {
        name: "domestic abuse",
        titles: &[
            "Domestic abuse and coercive control",
            "Living with domestic abuse",
            "A mother and children at risk from a partner",
        ],
        sentences: &[
            "Police were called to the home eleven times in two years after incidents of domestic abuse.",
            "The mother disclosed coercive control to her midwife but the disclosure was not shared.",
            "A MARAC referral was made but the children were not discussed at the meeting.",
            "The perpetrator's history of abuse in earlier relationships was not checked.",
            "The children witnessed repeated violence between the adults in the household.",
        ],
        ages: &[From1To4, From5To10, Various],
    },
    Theme {
        name: "sudden unexpected death in infancy",
        titles: &[
            "The sudden unexpected death of an infant",
            "An infant death after unsafe sleep",
            "Safer sleep and an infant death",
        ],
        sentences: &[
            "The baby died while co-sleeping on a sofa with a parent who had been drinking alcohol.",
            "Safer sleep advice was given at birth but not repeated when the family circumstances changed.",
            "The infant was found unresponsive in the early hours of the morning and could not be revived.",
            "Neither parent recalled being told about the risks of bed sharing after using drugs or alcohol.",
            "The review looked at how safer sleep messages reach fathers as well as mothers.",
        ],
        ages: &[Under1],
    },
    Theme {
        name: "child sexual exploitation",
        titles: &[
            "Sexual exploitation of a teenage girl",
            "Grooming and sexual exploitation",
            "A young person exploited by older men",
        ],
        sentences: &[
            "The young person was groomed online and then sexually exploited by a group of older men.",
            "Episodes of going missing from home were not linked to the risk of sexual exploitation.",
            "She was seen in cars with unknown adults and was given alcohol, gifts and a phone.",
            "Practitioners described her as making lifestyle choices instead of seeing her as a victim of exploitation.",
            "The return home interviews after missing episodes did not explore where she had been.",
        ],
        ages: &[From11To15, From16To17],
    },
    Theme {
        name: "child criminal exploitation",
        titles: &[
            "Criminal exploitation and county lines",
            "A boy drawn into drug dealing",
            "Exploited by an organised crime group",
        ],
        sentences: &[
            "He was found carrying drugs a long way from home and had been exploited through county lines.",
            "An organized crime group used the boy to move drugs and cash between towns.",
            "Exclusion from school left him with long unsupervised days and he was targeted by older gang members.",
            "Police treated him as an offender rather than a child at risk of criminal exploitation.",
            "The National Referral Mechanism was used late and the referral was not followed up.",
        ],
        ages: &[From11To15, From16To17],
    },
    Theme {
        name: "parental mental health",
        titles: &[
            "A mother's mental health and her children's safety",
            "Parental mental illness",
            "When a parent's mental health deteriorates",
        ],
        sentences: &[
            "The mother's mental health declined after the birth and she stopped taking her medication.",
            "Adult mental health services did not ask about the children when the father was discharged.",
            "Post-natal depression was identified but the referral to the perinatal team was delayed.",
            "The psychiatric assessment focused on the parent and did not consider the impact on the baby.",
            "The family doctor saw the mother several times for low mood without asking who cared for the children.",
        ],
        ages: &[Under1, From1To4, From5To10],
    },
    Theme {
        name: "missed appointments",
        titles: &[
            "A child who was not brought to appointments",
            "Missed health appointments and lost sight of a child",
            "Was not brought",
        ],
        sentences: &[
            "The child was not brought to six hospital appointments and the clinic discharged him back to the GP.",
            "Missed appointments were recorded as did not attend instead of recognising that the child was not brought.",
            "Nobody followed up when the toddler missed developmental checks with the health visitor.",
            "The dental and eye clinics closed the referrals after the family missed appointments.",
            "Missed appointments were a sign of neglect that no single agency saw as a whole.",
        ],
        ages: &[From1To4, From5To10],
    },
    Theme {
        name: "suicide and self-harm",
        titles: &[
            "The suicide of a young person",
            "Self-harm and suicidal thoughts in adolescence",
            "A teenager's death by suicide",
        ],
        sentences: &[
            "She had self-harmed for a year and was on the waiting list for CAMHS when she died.",
            "The referral to child and adolescent mental health services was declined as not meeting the threshold.",
            "School staff noticed cuts on his arms but did not know how to make a referral.",
            "Online content about self-harm was found on her phone after her death.",
            "The young person told a friend about suicidal thoughts but no adult was told.",
        ],
        ages: &[From11To15, From16To17],
    },
    Theme {
        name: "bruising in non-mobile babies",
        titles: &[
            "Bruising to a baby who was not yet mobile",
            "A bruise on a non-mobile infant",
            "Bruising protocol not followed",
        ],
        sentences: &[
            "A small bruise on the baby's cheek was seen by the GP but no paediatric assessment was arranged.",
            "The bruising protocol for non-mobile babies was not followed by the out of hours service.",
            "A paediatrician should have examined any bruise on a baby who could not yet crawl.",
            "The parents explained the bruise as caused by a dummy and the explanation was accepted.",
            "Three weeks later the baby was admitted with serious injuries.",
        ],
        ages: &[Under1],
    },
    Theme {
        name: "harmful sexual behaviour",
        titles: &[
            "Harmful sexual behaviour between siblings",
            "A child displaying harmful sexual behaviour",
            "Sexualised behaviour at school",
        ],
        sentences: &[
            "The older brother's harmful sexual behaviour towards his sister was not assessed.",
            "Staff saw the sexualised behaviour at school as curiosity and did not consult safeguarding leads.",
            "No assessment was made of the boy's own experiences of abuse behind his behaviour.",
            "A safety plan for the home was agreed but never reviewed.",
            "The response to the behaviour was punitive and missed the boy's own needs.",
        ],
        ages: &[From5To10, From11To15],
    },
    Theme {
        name: "fabricated or induced illness",
        titles: &[
            "Fabricated or induced illness in a young child",
            "Perplexing presentations and many hospital visits",
            "A child made to appear ill",
        ],
        sentences: &[
            "The child had more than forty hospital visits for symptoms that were never confirmed by tests.",
            "Doctors in three hospitals did not share their concerns about fabricated illness.",
            "The mother insisted on a feeding tube although the child ate normally in hospital.",
            "Perplexing presentations should have led to a single responsible consultant overseeing the care.",
            "The child missed school for long periods because of illnesses that were later found to be induced.",
        ],
        ages: &[From1To4, From5To10],
    },
    Theme {
        name: "female genital mutilation",
        titles: &[
            "A girl at risk of female genital mutilation",
            "FGM and a planned trip abroad",
            "Protecting a girl from FGM",
        ],
        sentences: &[
            "The girl told a teacher she was going abroad for a special ceremony in the summer holidays.",
            "A female genital mutilation protection order was not sought in time.",
            "Her mother had undergone FGM and this was recorded at the antenatal booking.",
            "The mandatory reporting duty for FGM was misunderstood by practitioners.",
        ],
        ages: &[From5To10, From11To15],
    },
    Theme {
        name: "elective home education",
        titles: &[
            "A child withdrawn from school to be home educated",
            "Elective home education and invisibility",
            "Out of sight after leaving school",
        ],
        sentences: &[
            "The child was withdrawn from school to be home educated shortly after a referral about bruising.",
            "The local authority had no way to see the child once home education began.",
            "Children who are home educated can become invisible to the professionals who would notice harm.",
            "The home education adviser visited once and did not see the child.",
        ],
        ages: &[From5To10, From11To15],
    },
    Theme {
        name: "allegations against professionals",
        titles: &[
            "Allegations against a member of staff",
            "A professional who harmed children",
            "Managing allegations about a carer",
        ],
        sentences: &[
            "Concerns about the coach were not referred to the LADO because they were thought to be minor.",
            "The local authority designated officer was told about the allegation weeks after it was made.",
            "The organization's safer recruitment checks did not include references from his previous employer.",
            "Earlier complaints about the teacher's behaviour were handled as a disciplinary matter.",
        ],
        ages: &[From5To10, From11To15, Various],
    },
    Theme {
        name: "radicalisation",
        titles: &[
            "A young person drawn towards extremism",
            "Radicalisation online",
            "Prevent and a teenager at risk",
        ],
        sentences: &[
            "He spent long hours on extremist forums and was radicalised online over several months.",
            "The Prevent referral was closed without a multi-agency discussion.",
            "Teachers noticed changes in his views but did not know who to tell.",
            "The family asked for help with his isolation but were told it did not meet the threshold.",
        ],
        ages: &[From11To15, From16To17],
    },
    Theme {
        name: "housing and homelessness",
        titles: &[
            "A family moving between temporary homes",
            "Homelessness and a child's safety",
            "Temporary accommodation and lost records",
        ],
        sentences: &[
            "The family moved between five temporary addresses in two years and records did not follow them.",
            "Homeless families placed out of area lost contact with their health visitor and GP.",
            "Overcrowded temporary accommodation meant the baby slept in the parents' bed.",
            "The housing officer knew of the risks but was not invited to the child protection conference.",
        ],
        ages: &[Under1, From1To4, Various],
    },
    Theme {
        name: "substance misuse",
        titles: &[
            "Parental drug and alcohol use",
            "Parental substance misuse and neglect",
            "Alcohol, drugs and a young family",
        ],
        sentences: &[
            "Both parents used heroin and the children were left alone while they bought drugs.",
            "Drug and alcohol services did not know the father lived with young children.",
            "Methadone was stored in reach of the toddler and he was admitted after swallowing it.",
            "Hair strand tests showed continued cocaine use that the parents had denied.",
        ],
        ages: &[From1To4, From5To10],
    },
];

/// Sentences any review may contain, about how agencies worked together.
pub const GENERIC: &[&str] = &[
    "Information sharing between agencies was weak and each held only part of the picture.",
    "Practitioners showed little professional curiosity about who else lived in the household.",
    "The voice of the child was not heard in assessments or plans.",
    "The child protection plan was ended before the changes in the family had been tested.",
    "Supervision gave practitioners little time to reflect on their cases.",
    "Records were written in different systems that could not be searched together.",
    "Staff turnover meant the family had four social workers in eighteen months.",
    "The strategy discussion did not include health colleagues.",
    "Thresholds for early help and statutory services were understood differently by agencies.",
    "The review recommends that the partnership audits how its learning is put into practice.",
    "Fathers and other men in the household were not included in assessments.",
    "The family's culture and language were not considered and no interpreter was used.",
    "Escalation procedures were available but rarely used when agencies disagreed.",
    "The review heard from practitioners at a learning event and from the child's family.",
    "A multi-agency safeguarding hub received several referrals that were each closed as no further action.",
    "The organisation did not have a clear policy on how to respond when children were not seen.",
];

pub const AGENCIES: &[&str] = &[
    "Children's social care",
    "Police",
    "Health visiting",
    "Midwifery",
    "General practice",
    "Acute hospital trust",
    "Education",
    "Child and adolescent mental health services",
    "Adult mental health services",
    "Drug and alcohol services",
    "Housing",
    "Youth justice service",
    "Probation",
    "Early help",
];

const PARTNERSHIPS: &[&str] = &[
    "Northborough Safeguarding Children Partnership",
    "Westvale Safeguarding Children Partnership",
    "Eastmere Children's Safeguarding Partnership",
    "Southfield Safeguarding Partnership",
    "Riverside and Hillcrest Safeguarding Children Partnership",
    "Kingsmoor Safeguarding Children Board",
    "Lowford Children's Partnership",
    "Ashcombe Safeguarding Children Partnership",
];

const REVIEW_TYPES: &[ReviewType] = &[
    ReviewType::LocalCspr,
    ReviewType::LocalCspr,
    ReviewType::LocalCspr,
    ReviewType::SeriousCaseReview,
    ReviewType::SeriousCaseReview,
    ReviewType::RapidReviewLearningSummary,
    ReviewType::Thematic,
];

/// A generated record and the truth about it.
#[derive(Debug)]
pub struct Generated {
    pub record: ReviewRecord,
    /// Index into [`THEMES`] of its main theme.
    pub main: usize,
    /// Indexes of its other themes.
    pub others: Vec<usize>,
}

/// Options for [`generate`].
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub count: usize,
    pub seed: u64,
    /// Percentage of records with a full text.
    pub text_percent: u64,
    /// Words of full text, roughly.
    pub text_words: usize,
    /// Percentage of full-text sentences made of made-up words drawn from a large vocabulary
    /// with a Zipf-like law, so that the index holds as many distinct terms as real reports do
    /// (the sentence banks alone repeat too much to size an index honestly).
    pub noise_percent: u64,
}

const SYLLABLES: &[&str] = &[
    "ba", "ke", "lo", "mi", "nu", "pra", "sto", "vel", "dor", "quin", "tas", "ely", "rom", "fen",
    "gar", "hul", "jis", "wex", "zan", "cor", "bri", "sal", "ton", "mer", "pid", "ux", "ol", "ar",
];

/// A made-up word of the noise vocabulary, from its rank.
fn noise_word(rank: u64) -> String {
    let mut word = String::new();
    let mut n = rank;
    loop {
        word.push_str(SYLLABLES[(n % SYLLABLES.len() as u64) as usize]);
        n /= SYLLABLES.len() as u64;
        if n == 0 {
            break;
        }
    }
    word
}

/// A sentence of made-up words, ranks drawn log-uniformly below 200,000 (roughly Zipf).
fn noise_sentence(rng: &mut Rng) -> String {
    let len = 8 + rng.below(10);
    let mut words = Vec::with_capacity(len);
    for _ in 0..len {
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let rank = (200_000f64.powf(u)) as u64;
        words.push(noise_word(rank));
    }
    let mut sentence = words.join(" ");
    sentence.push('.');
    sentence
}

fn sentences(rng: &mut Rng, theme: &Theme, n: usize, out: &mut Vec<&'static str>) {
    for _ in 0..n {
        out.push(rng.sentence(theme.sentences));
    }
}

/// Generates `count` records, the same for the same seed.
pub fn generate(options: &Options) -> Vec<Generated> {
    let mut rng = Rng::new(options.seed);
    let mut out = Vec::with_capacity(options.count);
    for n in 0..options.count {
        let main = rng.below(THEMES.len());
        let mut others = Vec::new();
        for _ in 0..rng.below(3) {
            let other = rng.below(THEMES.len());
            if other != main && !others.contains(&other) {
                others.push(other);
            }
        }
        let theme = &THEMES[main];
        let letter = (b'A' + (rng.below(26) as u8)) as char;
        let title = format!("Child {letter}{}: {}", n % 97, rng.pick(theme.titles));
        let mut summary_parts: Vec<&str> = Vec::new();
        sentences(&mut rng, theme, 3, &mut summary_parts);
        for &o in &others {
            sentences(&mut rng, &THEMES[o], 1, &mut summary_parts);
        }
        summary_parts.push(rng.sentence(GENERIC));
        summary_parts.dedup();
        let summary = summary_parts.join(" ");
        let text = if rng.chance(options.text_percent) {
            let mut words = 0;
            let mut parts: Vec<String> = Vec::new();
            while words < options.text_words {
                if options.noise_percent > 0 && rng.chance(options.noise_percent) {
                    let s = noise_sentence(&mut rng);
                    words += s.split_whitespace().count();
                    parts.push(s);
                    continue;
                }
                let s: &str = match rng.below(10) {
                    0..=3 => rng.sentence(theme.sentences),
                    4 if !others.is_empty() => {
                        let other = *rng.pick(&others);
                        rng.sentence(THEMES[other].sentences)
                    }
                    _ => rng.sentence(GENERIC),
                };
                words += s.split_whitespace().count();
                parts.push(s.to_owned());
            }
            Some(parts.join(" "))
        } else {
            None
        };
        let mut themes: Vec<String> = vec![theme.name.to_owned()];
        themes.extend(others.iter().map(|&o| THEMES[o].name.to_owned()));
        let mut agencies: Vec<String> = Vec::new();
        for _ in 0..(2 + rng.below(4)) {
            let a = rng.pick(AGENCIES).to_string();
            if !agencies.contains(&a) {
                agencies.push(a);
            }
        }
        let year = 2014 + rng.below(12) as i32;
        let month = time::Month::try_from(1 + rng.below(12) as u8).expect("month");
        let day = 1 + rng.below(28) as u8;
        let id = format!("rev-{n:05}");
        out.push(Generated {
            record: ReviewRecord {
                url: format!("/library/{id}"),
                id,
                title,
                partnership: rng.pick(PARTNERSHIPS).to_string(),
                published_on: time::Date::from_calendar_date(year, month, day).expect("date"),
                review_type: *rng.pick(REVIEW_TYPES),
                themes,
                age_group: *rng.pick(theme.ages),
                agencies,
                summary,
                text,
            },
            main,
            others,
        });
    }
    out
}

/// The index into [`THEMES`] of a theme name.
pub fn theme_index(name: &str) -> usize {
    THEMES
        .iter()
        .position(|t| t.name == name)
        .unwrap_or_else(|| panic!("no theme {name}"))
}

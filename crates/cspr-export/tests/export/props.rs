//! No panic, and no error, on arbitrary text in every kind of block.

use cspr_export::{Block, Document, Inline, to_docx, to_html, to_pdf};
use proptest::prelude::*;

fn inline() -> impl Strategy<Value = Inline> {
    prop_oneof![
        any::<String>().prop_map(Inline::Text),
        any::<String>().prop_map(Inline::Emphasis),
        any::<String>().prop_map(Inline::Strong),
    ]
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        (any::<u8>(), any::<String>()).prop_map(|(level, text)| Block::Heading { level, text }),
        prop::collection::vec(inline(), 0..4).prop_map(Block::Paragraph),
        prop::collection::vec(prop::collection::vec(inline(), 0..3), 0..4)
            .prop_map(Block::BulletList),
        prop::collection::vec(prop::collection::vec(inline(), 0..3), 0..4)
            .prop_map(Block::NumberedList),
        (
            prop::collection::vec(any::<String>(), 0..4),
            prop::collection::vec(prop::collection::vec(any::<String>(), 0..5), 0..4)
        )
            .prop_map(|(header, rows)| Block::Table { header, rows }),
    ]
}

fn document() -> impl Strategy<Value = Document> {
    (
        any::<String>(),
        proptest::option::of(any::<String>()),
        any::<String>(),
        any::<String>(),
        prop::collection::vec(block(), 0..8),
    )
        .prop_map(|(title, subtitle, language, author, blocks)| {
            let mut doc = Document::new(title, author);
            doc.subtitle = subtitle;
            doc.language = language;
            doc.blocks = blocks;
            doc
        })
}

proptest! {
    // Each PDF is a full typst compilation: few cases, still every block kind.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_export_accepts_any_text(doc in document()) {
        let pdf = to_pdf(&doc);
        prop_assert!(pdf.is_ok(), "{:?}", pdf.err());
        let docx = to_docx(&doc);
        prop_assert!(docx.is_ok(), "{:?}", docx.err());
        let html = to_html(&doc);
        prop_assert!(!html.contains("<script"));
    }
}

//! The index's fields and how a record becomes a document.

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{STEMMED, UNSTEMMED};
use crate::record::ReviewRecord;

/// Field names, fixed: an index written with other names is refused on open.
pub(crate) const ID: &str = "id";
pub(crate) const RECORD: &str = "record";
pub(crate) const TITLE: &str = "title";
pub(crate) const THEMES_TEXT: &str = "themes_text";
pub(crate) const SUMMARY: &str = "summary";
pub(crate) const BODY: &str = "body";
pub(crate) const THEME: &str = "theme";
pub(crate) const WORDS: &str = "words";
pub(crate) const REVIEW_TYPE: &str = "review_type";
pub(crate) const AGE_GROUP: &str = "age_group";
pub(crate) const YEAR: &str = "year";
pub(crate) const PUBLISHED: &str = "published";

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// The record id, one untokenised term, for updates, deletes and `get`.
    pub id: Field,
    /// The whole record as JSON, the only stored field: hits, snippets and `get` read it.
    pub record: Field,
    pub title: Field,
    pub themes_text: Field,
    pub summary: Field,
    pub body: Field,
    /// Title, themes and summary unstemmed, for typo matching: a typo in a word's ending
    /// ("exploitaton") is one edit from the word but far from its stem.
    pub words: Field,
    /// Each normalised theme as one term, for filters and facet counts.
    pub theme: Field,
    pub review_type: Field,
    pub age_group: Field,
    pub year: Field,
    /// Julian day of publication, for newest-first listing.
    pub published: Field,
}

/// The searchable text fields and their weight in ranking: title and themes above the
/// summary, the summary above the body.
pub(crate) fn text_fields(f: &Fields) -> [(Field, f32); 4] {
    [
        (f.title, 3.0),
        (f.themes_text, 2.5),
        (f.summary, 1.5),
        (f.body, 1.0),
    ]
}

pub(crate) fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(STEMMED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let keyword = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    b.add_text_field(ID, keyword.clone());
    b.add_bytes_field(RECORD, STORED);
    b.add_text_field(TITLE, text.clone());
    b.add_text_field(THEMES_TEXT, text.clone());
    b.add_text_field(SUMMARY, text.clone());
    b.add_text_field(BODY, text);
    b.add_text_field(THEME, keyword.set_fast("raw"));
    b.add_text_field(
        WORDS,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(UNSTEMMED)
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        ),
    );
    b.add_u64_field(REVIEW_TYPE, INDEXED | FAST);
    b.add_u64_field(AGE_GROUP, INDEXED | FAST);
    b.add_i64_field(YEAR, INDEXED | FAST);
    b.add_i64_field(PUBLISHED, FAST);
    b.build()
}

impl Fields {
    /// The fields of a schema, or the name of the first one missing.
    pub(crate) fn from_schema(schema: &Schema) -> Result<Fields, String> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| format!("no field {name}"))
        };
        Ok(Fields {
            id: get(ID)?,
            record: get(RECORD)?,
            title: get(TITLE)?,
            themes_text: get(THEMES_TEXT)?,
            summary: get(SUMMARY)?,
            body: get(BODY)?,
            theme: get(THEME)?,
            words: get(WORDS)?,
            review_type: get(REVIEW_TYPE)?,
            age_group: get(AGE_GROUP)?,
            year: get(YEAR)?,
            published: get(PUBLISHED)?,
        })
    }

    /// The document for a validated record.
    pub(crate) fn document(
        &self,
        record: &ReviewRecord,
    ) -> Result<TantivyDocument, serde_json::Error> {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, &record.id);
        doc.add_bytes(self.record, &serde_json::to_vec(record)?);
        doc.add_text(self.title, &record.title);
        doc.add_text(self.words, &record.title);
        for theme in &record.themes {
            doc.add_text(self.themes_text, theme);
            doc.add_text(self.theme, theme);
            doc.add_text(self.words, theme);
        }
        doc.add_text(self.summary, &record.summary);
        doc.add_text(self.words, &record.summary);
        if let Some(text) = &record.text {
            doc.add_text(self.body, text);
        }
        doc.add_u64(self.review_type, record.review_type.code());
        doc.add_u64(self.age_group, record.age_group.code());
        doc.add_i64(self.year, i64::from(record.published_on.year()));
        doc.add_i64(
            self.published,
            i64::from(record.published_on.to_julian_day()),
        );
        Ok(doc)
    }
}

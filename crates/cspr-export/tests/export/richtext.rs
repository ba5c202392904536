//! Rich text: the allow-list, the canonical form, and Word's pasted structure.

use cspr_export::richtext::{blocks, plain_text, sanitise};
use cspr_export::{Block, Inline};

#[test]
fn only_the_allowed_structure_survives() {
    let dirty = r#"<h2 onclick="x()">Background</h2><script>alert(1)</script>
        <p style="color:red">A <b>bold</b> and <i>quiet</i> word <a href="javascript:x">link</a>
        <img src=x onerror=alert(1)></p><iframe src="https://x"></iframe>
        <ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
        <table><tr><th>When</th><th>What</th></tr><tr><td>1 May</td><td><p>Visit</p></td></tr></table>"#;
    let clean = sanitise(dirty);
    assert_eq!(
        clean,
        "<h2>Background</h2><p>A <strong>bold</strong> and <em>quiet</em> word link</p>\
         <ul><li>one</li><li>two</li><li>nested</li></ul>\
         <table><thead><tr><th>When</th><th>What</th></tr></thead><tbody><tr><td>1 May</td><td>Visit</td></tr></tbody></table>"
    );
    for bad in [
        "script",
        "onclick",
        "onerror",
        "iframe",
        "javascript",
        "style",
        "img",
    ] {
        assert!(!clean.contains(bad), "{bad} in {clean}");
    }
    // The canonical form is a fixed point.
    assert_eq!(sanitise(&clean), clean);
}

#[test]
fn text_is_escaped_never_markup() {
    let clean = sanitise("<p>5 &lt; 6 &amp; &lt;script&gt;</p>");
    assert_eq!(clean, "<p>5 &lt; 6 &amp; &lt;script&gt;</p>");
    assert_eq!(
        blocks(&clean),
        vec![Block::Paragraph(vec![Inline::Text(
            "5 < 6 & <script>".into()
        )])]
    );
}

#[test]
fn plain_text_becomes_paragraphs_and_lists() {
    let clean =
        sanitise("First paragraph\nstill first.\n\n- a bullet\n- another\n\n1. one\n2. two");
    assert_eq!(
        clean,
        "<p>First paragraph still first.</p><ul><li>a bullet</li><li>another</li></ul><ol><li>one</li><li>two</li></ol>"
    );
}

/// What Word puts on the clipboard for a heading, a paragraph with emphasis, a bulleted list,
/// a numbered list and a table (cut down, but with its real markup).
const WORD: &str = r#"<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>
p.MsoNormal {margin:0cm;} </style><!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]--></head>
<body lang=EN-GB><!--StartFragment-->
<h1><span lang=EN-GB>Key episodes<o:p></o:p></span></h1>
<p class=MsoNormal><span lang=EN-GB>The school raised a concern on <b>3 March</b>, and <i>nobody</i> followed it up.<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]><span lang=EN-GB>Health visitor saw the baby<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]><span lang=EN-GB>GP was not told<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l1 level1 lfo2'><![if !supportLists]><span><span style='mso-list:Ignore'>1.<span>&nbsp;&nbsp;&nbsp;</span></span></span><![endif]>Share information<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='mso-list:l1 level1 lfo2'><![if !supportLists]><span><span style='mso-list:Ignore'>2.<span>&nbsp;&nbsp;&nbsp;</span></span></span><![endif]>Train staff<o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0><tr><td width=301 valign=top><p class=MsoNormal><b>Date<o:p></o:p></b></p></td><td width=301><p class=MsoNormal><b>Agency</b></p></td></tr>
<tr><td><p class=MsoNormal>3 March 2025</p></td><td><p class=MsoNormal>School</p></td></tr></table>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<!--EndFragment--></body></html>"#;

#[test]
fn pasted_word_keeps_its_structure() {
    let b = blocks(&sanitise(WORD));
    assert_eq!(
        b,
        vec![
            Block::Heading {
                level: 2,
                text: "Key episodes".into()
            },
            Block::Paragraph(vec![
                Inline::Text("The school raised a concern on ".into()),
                Inline::Strong("3 March".into()),
                Inline::Text(", and ".into()),
                Inline::Emphasis("nobody".into()),
                Inline::Text(" followed it up.".into()),
            ]),
            Block::BulletList(vec![
                vec![Inline::Text("Health visitor saw the baby".into())],
                vec![Inline::Text("GP was not told".into())],
            ]),
            Block::NumberedList(vec![
                vec![Inline::Text("Share information".into())],
                vec![Inline::Text("Train staff".into())],
            ]),
            Block::Table {
                header: vec!["Date".into(), "Agency".into()],
                rows: vec![vec!["3 March 2025".into(), "School".into()]],
            },
        ]
    );
    let clean = sanitise(WORD);
    assert!(!clean.contains("Normal"), "Word's settings leak: {clean}");
    assert!(!clean.contains("mso"), "{clean}");
    assert!(plain_text(&clean).contains("\u{2022} GP was not told"));
    assert!(plain_text(&clean).contains("2. Train staff"));
}

#[test]
fn stored_plain_text_is_never_read_as_markup() {
    let plain = "Keep <label> and <script>alert(1)</script> as typed.";
    assert_eq!(
        blocks(plain),
        vec![Block::Paragraph(vec![Inline::Text(plain.into())])]
    );
    assert!(cspr_export::richtext::is_html("<p>x</p>"));
    assert!(!cspr_export::richtext::is_html("x <p>y</p>"));
    // Typed input with tags is read as markup (the form says so); without, as text.
    assert_eq!(sanitise("5 < 6"), "<p>5 &lt; 6</p>");
}

/// Inputs the fuzz target `rich_text` found (issue 16, finding 5) where sanitising what
/// sanitising gave changed it, so a section saved twice showed a change nobody made: an empty
/// paragraph written as `<p></p>` and dropped when read again; a line of control characters;
/// a run of spaces.
#[test]
fn sanitising_the_canonical_form_changes_nothing() {
    for input in [
        "ary</1. onevild A</a>.</p>\0\0\0\0\0\0\0\u{3}<ul><lirst paragraph.\n\n- arar one\n\
         777777777777777777777772. &2\0\0\0 so on",
        "<p>one</p><p>\u{7}</p><ul><li> </li></ul><h2>\0</h2>",
        "First paragraph.\n\n- a bullet\n\0\0\0\0\n\nso on",
        "First.\n\n-h  bullet\n- a & so on",
        "First paragraph.\n\u{0}- a\"bullet\n- another\n\n1. one\n2. vu\n:- aN+t0h\n\n\
         .eu\0\0\0e\0ld \u{8}</aw5\u{7f}  <[6 s\u{7}o&o n",
        "<h2>aw \u{0} Child A</h2><td>x  \u{a0} y</td>",
        "<ul><li><strong> The</strong> <em>end </em></li><li><b>\u{0}</b> x</li></ul>",
        "<b>\n\0\0\0s\u{f}\0r</strong> saw <a \0\0\0\u{3}-\0anh0rmS>mS><>Theh <",
        "<p>a <b> b </b> <i> c</i> </p>",
        "<ul><li><b>The </b><strong>The end</strong></li></ul>",
        "<ul><li>2 The <strong>heal2</strong> <strong>T</strong></li></ul>",
        "<table><tr><th> a </th></tr><tr><td>b<br> </td></tr></table>",
    ] {
        let once = sanitise(input);
        assert_eq!(sanitise(&once), once, "{input:?}");
        assert!(
            !once.contains("<p></p>") && !once.contains("<li></li>"),
            "{once}"
        );
    }
}

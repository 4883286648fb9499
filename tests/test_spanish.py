"""The Spanish edition: twin content, a catalogue with no English fallback, Spanish metadata,
collation and readability, and --lang / lang: everywhere a language is chosen."""
from __future__ import annotations

import dataclasses
import re
import shutil
import string
import unicodedata
from pathlib import Path

import page
import pikepdf
import pytest
import yaml
from click.testing import CliRunner
from pdfread import lines, page_texts
from structure import nodes, untagged_operators

from booklet.assemble import choose_sections, plan_document
from booklet.output import build_pdf
from booklet.editorial import check_twins
from booklet.cli import main
from booklet.content import load_library
from booklet.errors import InputError
from booklet.language import sort_key
from booklet.messages import Messages, catalogue
from booklet.patient import load_patient
from booklet.readability import inflesz, spanish_syllables
from booklet.resources import bundled, style_path
from booklet.style import load_style

CONTENT = bundled("content")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def libraries():
    return load_library(CONTENT, "en"), load_library(CONTENT, "es")


@pytest.fixture(scope="module")
def spanish_booklet(tmp_path_factory, libraries):
    """Every Spanish section, personal and fillable, in a clinic style with a logo and QR."""
    spanish = libraries[1]
    patient = load_patient(EXAMPLES / "paciente.yaml")
    plan = plan_document(spanish, load_style(style_path("juniper-bay-cancer-clinic")),
                         choose_sections(spanish, None, (), True), patient=patient,
                         fillable=True)
    pdf, _ = build_pdf(plan)
    path = tmp_path_factory.mktemp("es") / "es.pdf"
    path.write_bytes(pdf)
    return path, plan


# --- twins ----------------------------------------------------------------------------------

def test_every_english_id_has_a_spanish_twin_and_the_reverse(libraries):
    english, spanish = libraries
    assert set(english.sections) == set(spanish.sections)
    assert set(english.terms) == set(spanish.terms)
    assert {g: [q.id for q in grp.questions] for g, grp in english.groups.items()} == \
        {g: [q.id for q in grp.questions] for g, grp in spanish.groups.items()}
    assert {p: s.sections for p, s in english.presets.items()} == \
        {p: s.sections for p, s in spanish.presets.items()}
    assert english.info.order == spanish.info.order
    for keyword, sections in english.plan_keywords.items():
        assert spanish.plan_keywords[keyword] == sections, keyword
    assert check_twins([english, spanish]) == []


def test_check_names_a_term_missing_from_spanish(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    glossary = root / "es" / "glossary" / "after.yaml"
    data = yaml.safe_load(glossary.read_text())
    data["terms"] = [t for t in data["terms"] if t["id"] != "caregiver"]
    for term in data["terms"]:
        term["see_also"] = [x for x in term.get("see_also", []) if x != "caregiver"]
    glossary.write_text(yaml.safe_dump(data, allow_unicode=True))
    for section in (root / "es" / "sections").glob("*.yaml"):
        section.write_text(re.sub(r"(glossary: \[.*?)caregiver(, )?", r"\1",
                                  section.read_text()))
    result = CliRunner().invoke(main, ["check", "--content", str(root)])
    assert result.exit_code == 1
    assert f"{root / 'es'}: the glossary term 'caregiver' of {root / 'en'} has no twin here." \
           " Fix: add it in es-US, with the same id." in result.output
    result = CliRunner().invoke(main, ["check", "--content", str(root), "--lang", "es"])
    assert result.exit_code == 0, result.output        # one language alone has no twins


def test_check_twins_reports_each_missing_id(tmp_path, libraries):
    english, spanish = libraries
    fewer = dataclasses.replace(spanish, terms={k: v for k, v in spanish.terms.items()
                                                if k != "biopsy"})
    found = [f.text for f in check_twins([english, fewer])]
    assert len(found) == 1 and "the glossary term 'biopsy'" in found[0], found
    assert "content/es: " in found[0] and "es-US" in found[0]


# --- the catalogue --------------------------------------------------------------------------

def _fields(text) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(str(text)) if name}


def test_catalogues_have_the_same_keys_and_placeholders():
    english, spanish = catalogue("en"), catalogue("es")
    assert set(english) == set(spanish)
    for key in english:
        assert _fields(english[key]) == _fields(spanish[key]), key
        if isinstance(english[key], list):
            assert len(english[key]) == len(spanish[key]), key


def test_a_missing_message_is_an_error_naming_it_not_an_english_fallback():
    messages = Messages({"contents": "Contenido"}, Path("es.yaml"))
    assert messages["contents"] == "Contenido"
    with pytest.raises(InputError, match=r"es.yaml: the message 'page_of' is missing"):
        messages["page_of"]


def _english_phrases() -> set[str]:
    """The English catalogue's words, split at placeholders, that Spanish never uses."""
    english, spanish = catalogue("en"), catalogue("es")
    phrases = set()
    for key, value in english.items():
        for text in value if isinstance(value, list) else [value]:
            for literal, *_ in string.Formatter().parse(text):
                literal = literal.strip(" :")
                if len(literal) >= 4 and literal not in str(spanish[key]):
                    phrases.add(literal)
    return phrases


def test_spanish_booklet_prints_no_catalogue_english(spanish_booklet):
    path, plan = spanish_booklet
    text = "\n".join(page_texts(path))
    assert "Página 1 de" in text and "Palabras que debe conocer" in text
    assert "Mis medicamentos" in text and "Octreotida LAR" in text
    # The sources are English pages, cited by their own titles (like '... Journal of Medicine')
    cited = " ".join(f"{src.title} {src.publisher}" for s in plan.sections for src in s.sources)
    leaked = sorted(p for p in _english_phrases()
                    if re.search(rf"\b{re.escape(p)}\b", text) and p not in cited)
    assert leaked == []
    with pikepdf.open(path) as pdf:
        descriptions = [str(f.get("/TU", "")) for f in pdf.Root.AcroForm.Fields]
    assert any(re.fullmatch(r"Notas, página \d+", d) for d in descriptions)
    assert any(d.startswith("Su respuesta o sus notas para la pregunta: ¿") for d in descriptions)
    assert not [d for d in descriptions for p in _english_phrases() if p in d]
    alts = [str(n.obj["alt"]) for n in nodes(path) if n.role == "Figure"]
    assert any(a.startswith("Código QR que abre") for a in alts)
    assert any(a.startswith("Logotipo de Juniper Bay") for a in alts)
    assert not any(re.search(r"\b(logo|code|opens)\b", a) for a in alts), alts


def test_spanish_booklet_is_a_valid_tagged_pdf_in_es_us(spanish_booklet):
    path, _ = spanish_booklet
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "es-US"
        with pdf.open_metadata() as xmp:
            assert list(xmp["dc:language"]) == ["es-US"]
            assert xmp["dc:title"] == "Tumores neuroendocrinos de páncreas"
    report = page.validate_pdf(str(path), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert untagged_operators(path) == []


def test_english_booklet_stays_en_us(default_booklet):
    with pikepdf.open(default_booklet[0]) as pdf:
        assert str(pdf.Root.Lang) == "en-US"


# --- collation and readability --------------------------------------------------------------

def test_spanish_collation_ignores_accents_and_puts_n_tilde_after_n():
    words = ["ñu", "oído", "nube", "úlcera", "ácido", "nz", "abeja", "Ñame", "vipoma"]
    assert sorted(words, key=lambda w: sort_key(w, ("ñ",))) == \
        ["abeja", "ácido", "nube", "nz", "Ñame", "ñu", "oído", "úlcera", "vipoma"]
    assert sorted(["ñu", "nz", "nube"], key=lambda w: sort_key(w)) == ["ñu", "nube", "nz"]


def test_spanish_glossary_prints_in_spanish_order(spanish_booklet):
    path, plan = spanish_booklet
    terms = [t.term for t in plan.terms]
    assert terms == sorted(terms, key=lambda t: sort_key(t, ("ñ",)))
    assert terms != sorted(terms), "plain code-point order would put úlcera after vipoma"
    # each entry starts a line with its term in bold, then its pronunciation or a colon
    starts = [line.text for line in lines(path)]
    glossary = starts[starts.index("Palabras que debe conocer"):]
    entries = [next(i for i, text in enumerate(glossary)
                    if re.match(rf"{re.escape(term)}( \(se dice: [^)]*\))?:", text))
               for term in ("úlcera", "VIP", "VIPoma")]
    assert entries == sorted(entries)


def test_spanish_syllables_follow_vowel_rules():
    counts = {"que": 1, "guerra": 2, "pingüino": 3, "país": 2, "hoy": 1, "ciudad": 2,
              "páncreas": 3, "cirugía": 4, "quimioterapia": 5, "leer": 2, "aéreo": 4}
    assert {w: spanish_syllables(w) for w in counts} == counts
    assert inflesz("Usted tiene un tumor. Es pequeño.") > 80
    assert inflesz("Las características histopatológicas determinan la clasificación"
                   " pronóstica correspondiente.") < 40


def test_check_reports_inflesz_for_each_spanish_section():
    result = CliRunner().invoke(main, ["check", "--lang", "es"])
    assert result.exit_code == 0, result.output
    assert re.search(r"INFLESZ +\d+\.\d  surgery  \((bastante|muy) fácil\)", result.output)
    assert "median INFLESZ" in result.output and "reading grade" not in result.output


# --- choosing the language ------------------------------------------------------------------

def test_lang_option_and_patient_lang_choose_the_language(tmp_path):
    patient = tmp_path / "p.yaml"
    patient.write_text("name: Ana\nlang: es\n")
    runner = CliRunner()
    spanish = tmp_path / "es.pdf"
    result = runner.invoke(main, ["build", "--patient", str(patient), "--section", "surgery",
                                  "--format", "handout", "-o", str(spanish)])
    assert result.exit_code == 0, result.output
    assert "Para Ana\nCirugía de un TNE de páncreas" in page_texts(spanish)[0]
    english = tmp_path / "en.pdf"
    result = runner.invoke(main, ["build", "--patient", str(patient), "--lang", "en",
                                  "--section", "surgery", "--format", "handout",
                                  "-o", str(english)])
    assert result.exit_code == 0, result.output
    assert "For Ana\nSurgery for a pNET" in page_texts(english)[0]


def test_unknown_language_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(main, ["build", "--lang", "fr", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]     # the content may be installed anywhere
    assert re.fullmatch(r"Error: \S*content/fr: no content in fr here\. Fix: choose --lang en"
                        r" or es, or add \S*content/fr/booklet\.yaml and its sections\.", line), line
    assert not (tmp_path / "x.pdf").exists()


def test_one_language_content_folder_refuses_another_language(tmp_path):
    result = CliRunner().invoke(main, ["build", "--content", str(CONTENT / "en"), "--lang",
                                       "es", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "booklet.yaml: language: this content is in en-US, not es." in result.output


def test_a_section_missing_in_spanish_is_an_error_not_english(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    (root / "es" / "sections" / "surgery.yaml").unlink()
    result = CliRunner().invoke(main, ["build", "--content", str(root), "--lang", "es",
                                       "--section", "surgery", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "surgery" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_style_text_without_spanish_is_an_error_naming_the_field(tmp_path):
    style = tmp_path / "brand.yaml"
    text = style_path("tallpine-oncology").read_text()
    text = re.sub(r"hours:\n    en: (.*)\n    es: .*\n", r"hours: \1\n", text)
    style.write_text(text)
    shutil.copytree(style_path("tallpine-oncology").parent / "logos", tmp_path / "logos")
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--style", str(style), "--lang", "es",
                                  "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "brand.yaml: contacts.hours: no es text. Fix: write it once per" \
           " language, like 'hours: {en: ..., es: ...}'." in result.output
    result = runner.invoke(main, ["build", "--style", str(style), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 0, result.output


def test_batch_takes_lang_from_job_patient_and_defaults(tmp_path):
    (tmp_path / "ana.yaml").write_text("name: Ana\nlang: es\n")
    manifest = tmp_path / "jobs.yaml"
    manifest.write_text(
        "defaults: {format: handout, sections: [surgery], lang: en}\n"
        "jobs:\n"
        "  - {output: default.pdf}\n"
        "  - {output: patient.pdf, patient: ana.yaml}\n"
        "  - {output: job.pdf, patient: ana.yaml, lang: en-US}\n"
        "  - {output: inline.pdf, lang: es, patient: {name: Bo}}\n")
    result = CliRunner().invoke(main, ["batch", str(manifest), "--out-dir",
                                       str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    first = {name: page_texts(tmp_path / "out" / f"{name}.pdf")[0]
             for name in ("default", "patient", "job", "inline")}
    assert "Your cancer care team\nSurgery for a pNET" in first["default"]
    assert "Para Ana\nCirugía de un TNE de páncreas" in first["patient"]
    assert "For Ana\nSurgery for a pNET" in first["job"]
    assert "Para Bo\nCirugía de un TNE de páncreas" in first["inline"]


def test_patient_list_lang_column(tmp_path):
    people = tmp_path / "list.csv"
    people.write_text("id,name,lang\np1,Ana,es\np2,Ben,\n")
    result = CliRunner().invoke(main, ["batch", "--patients", str(people), "--preset",
                                       "newly-diagnosed", "--out-dir", str(tmp_path / "out"),
                                       "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "Este folleto es de:" in page_texts(tmp_path / "out" / "p1.pdf")[0]
    assert "This booklet belongs to:" in page_texts(tmp_path / "out" / "p2.pdf")[0]


def test_spanish_plan_keywords_accept_accents():
    from booklet.patient import patient_from_options
    from booklet.assemble import add_plan_sections
    spanish = load_library(CONTENT, "es")
    patient = patient_from_options(None, None, ["Cirugía", "octreotide"])
    chosen = add_plan_sections(spanish, choose_sections(spanish, "newly-diagnosed", (), False),
                               patient)
    assert "surgery" in [s.id for s in chosen]
    assert "somatostatin-analogs" in [s.id for s in chosen]


def test_a_footer_title_too_long_for_its_line_is_an_error(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    book = root / "es" / "booklet.yaml"
    book.write_text(re.sub(r"short_title: .*", "short_title: Guía sobre TNE de páncreas",
                           book.read_text()))
    runner = CliRunner()
    args = ["build", "--content", str(root), "--lang", "es", "-o", str(tmp_path / "x.pdf")]
    assert runner.invoke(main, args).exit_code == 0                    # fits at 18 pt
    result = runner.invoke(main, [*args, "--style", "high-contrast"])  # not at 24 pt bold
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(
        "Error: booklet.yaml: short_title: 'Guía sobre TNE de páncreas' and 'Página 999 de"
        " 999' do not fit on one footer line at 24 pt")


@pytest.mark.parametrize("style", ["default", "high-contrast", "juniper-bay-cancer-clinic",
                                   "tallpine-oncology"])
def test_spanish_footer_lines_stay_apart_in_every_bundled_style(tmp_path, style, libraries):
    spanish = libraries[1]
    plan = plan_document(spanish, load_style(style_path(style)),
                         choose_sections(spanish, None, ["when-to-call"], False), paper="a4")
    path = tmp_path / "es.pdf"
    path.write_bytes(build_pdf(plan)[0])
    footer = [unicodedata.normalize("NFC", line.text) for line in lines(path)]
    footer = [text for text in footer if re.search(r"Página \d+ de", text)]
    assert footer and all(re.fullmatch(r"TNE de páncreas Página \d+ de \d+", text)
                          for text in footer), footer[:2]

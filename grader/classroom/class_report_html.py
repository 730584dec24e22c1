"""The class report as one self-contained HTML page: what the class got wrong, for its instructor.

Like the student's report (grader.report.html) everything is inline -- its stylesheet, and each histogram as a
small SVG drawn here -- and nothing points outside the file: no script, font, image or link URL. Every number is
also written out as text beside its bar, every list of students folded in a ``<details>``; statistics over fewer
than ``RELIABLE_MIN`` students say so where they stand.
"""

from __future__ import annotations

from html import escape

from grader.classroom.class_report import (
    RELIABLE_MIN,
    CheckRow,
    ClassReport,
    ItemRow,
    MistakeRow,
    Spread,
)
from grader.classroom.class_report_csv import FAILURES
from grader.i18n import language, tr
from grader.report.common import pts
from grader.report.html import STYLESHEET

EXTRA_CSS = """
.hist { display: block; margin: 6px 0 4px; }
.hist rect { fill: #13507f; }
.hist line { stroke: #59636e; }
.spreads { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 14px; }
.spreads figure { margin: 0; }
.flag { display: inline-block; background: #fff1e5; border: 1px solid #f0c39b; border-radius: 6px; padding: 0 6px;
  margin: 1px 4px 1px 0; font-size: 13px; }
.unreliable { color: #9a3412; font-style: italic; }
.ids { font-size: 13px; word-break: break-word; }
td.num, th.num { text-align: right; white-space: nowrap; }
"""
SVG_WIDTH, SVG_HEIGHT = 300, 90


def render_class_html(report: ClassReport) -> str:
    """The page of ``report``, in its language."""
    with language(report.lang):
        body = [_banner(report), '<main id="main" class="wrap">', *_notes(report), _scores(report),
                _checks(report), _mistakes(report), _items(report), _concepts(report), "</main>",
                f'<footer class="wrap"><p>{_t("class_report.method")}</p><p>{_t("report.offline")}</p></footer>']
        return "\n".join([
            "<!DOCTYPE html>", f'<html lang="{escape(report.lang)}">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<title>{_t("class_report.title")}</title>',
            f"<style>\n{STYLESHEET.read_text(encoding='utf-8')}{EXTRA_CSS}</style>", "</head>", "<body>",
            f'<a class="skip" href="#main">{_t("report.skip")}</a>', *(b for b in body if b), "</body>", "</html>",
            ""])


def _banner(report: ClassReport) -> str:
    statuses = ", ".join(f"{escape(status)} {count}" for status, count in report.statuses.items())
    return f"""<header class="banner">
<div class="wrap">
<p class="kicker">nn-grader</p>
<h1>{_t("class_report.heading")}</h1>
<p class="submission">{_t("class_report.students", students=report.students, code=report.code_graded)}
({statuses})</p>
</div>
</header>"""


def _notes(report: ClassReport) -> list[str]:
    notes = [] if report.reliable else [tr("class_report.unreliable_class", students=report.students,
                                           minimum=RELIABLE_MIN)]
    notes += [] if report.keys_given else [tr("class_report.no_keys")]
    return [f'<aside class="note" role="note"><p>{escape(n)}</p></aside>' for n in notes]


# -- scores --------------------------------------------------------------------------------------------------------


def _scores(report: ClassReport) -> str:
    spreads = [(tr("class_report.total"), report.total), *((s.name, s) for s in report.parts),
               *((tr("class_report.quiz_named", quiz=s.name), s) for s in report.quizzes)]
    head = _head("class_report.col.score", ("class_report.col.mean", "num"), ("class_report.col.median", "num"),
                 ("class_report.col.quartiles", "num"), ("class_report.col.not_started", "num"))
    rows = "\n".join(_spread_row(name, spread) for name, spread in spreads)
    pictures = "\n".join(_histogram(name, spread) for name, spread in spreads)
    return _section("scores", "class_report.scores_heading",
                    f'{_table(head, rows)}\n<div class="spreads">\n{pictures}\n'
                    "</div>")


def _spread_row(name: str, spread: Spread) -> str:
    quartiles = spread.quartiles
    shown = f"{_num(quartiles[0])} – {_num(quartiles[1])}" if quartiles else "–"
    return (f'<tr><th scope="row">{escape(name)} <span class="check-id">/ {pts(spread.max_points)}</span></th>'
            f'<td class="num">{_num(spread.mean)}</td><td class="num">{_num(spread.median)}</td>'
            f'<td class="num">{shown}</td><td class="num">{spread.not_started}</td></tr>')


def _histogram(name: str, spread: Spread) -> str:
    """An inline SVG of the spread's histogram over 0 .. max, its counts also said in its text alternative."""
    counts = spread.histogram()
    tallest = max(counts) or 1
    width = SVG_WIDTH / len(counts)
    bars = "".join(f'<rect x="{i * width + 1:.1f}" y="{SVG_HEIGHT - 60 * c / tallest - 10:.1f}" '
                   f'width="{width - 2:.1f}" height="{60 * c / tallest:.1f}"/>' for i, c in enumerate(counts))
    label = tr("class_report.histogram", name=name, max=pts(spread.max_points), counts=", ".join(map(str, counts)))
    return (f'<figure><svg class="hist" role="img" aria-label="{escape(label)}" width="{SVG_WIDTH}" '
            f'height="{SVG_HEIGHT}" viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}"><title>{escape(label)}</title>{bars}'
            f'<line x1="0" y1="{SVG_HEIGHT - 10}" x2="{SVG_WIDTH}" y2="{SVG_HEIGHT - 10}"/></svg>'
            f'<figcaption>{escape(name)}: 0 – {pts(spread.max_points)}</figcaption></figure>')


# -- checks and mistakes -------------------------------------------------------------------------------------------


def _checks(report: ClassReport) -> str:
    head = _head("class_report.col.check", ("class_report.col.failure_rate", "num"), "class_report.col.outcomes",
                 "class_report.col.students")
    return _table_section("checks", "class_report.checks_heading", head, [_check_row(c) for c in report.checks],
                          "class_report.no_code", _reliability(report.code_graded))


def _check_row(check: CheckRow) -> str:
    outcomes = ", ".join(f"{tr(f'report.outcome.{o}')} {check.outcomes[o]}" for o in FAILURES if check.outcomes[o])
    return (f'<tr><td class="check-title">{escape(check.title)}<span class="check-id">{escape(check.id)}</span></td>'
            f'<td class="num">{_pct(check.failure_rate)} ({check.failed}/{check.graded})</td>'
            f"<td>{escape(outcomes)}</td><td>{_ids(check.students)}</td></tr>")


def _mistakes(report: ClassReport) -> str:
    lines = [_reliability(report.code_graded)]
    if report.mistakes:
        head = _head("class_report.col.mistake", "class_report.col.concept", "class_report.col.students")
        rows = "\n".join(_mistake_row(m) for m in report.mistakes)
        lines.append(_table(head, rows))
    else:
        lines.append(f'<p>{_t("class_report.no_mistakes")}</p>')
    lines.append(f'<h3>{_t("class_report.unmatched_heading")}</h3>')
    if report.unmatched:
        lines.append(f'<p class="lead">{_t("class_report.unmatched_lead")}</p>')
        head = _head(("class_report.col.rate", "num"), "class_report.col.check", "class_report.col.students")
        rows = "\n".join(f'<tr><td class="num">{_pct(m.rate)} ({len(m.students)})</td><td class="check-title">'
                         f'{escape(m.name)}<span class="check-id">{escape(m.checks[0])}</span></td>'
                         f"<td>{_ids(m.students)}</td></tr>" for m in report.unmatched)
        lines.append(_table(head, rows))
    else:
        lines.append(f'<p>{_t("class_report.no_unmatched")}</p>')
    return _section("mistakes", "class_report.mistakes_heading", "\n".join(lines))


def _mistake_row(mistake: MistakeRow) -> str:
    said = tr("class_report.mistake_line", rate=_pct(mistake.rate), name=mistake.name)
    return (f"<tr><td><strong>{escape(said)}</strong> ({len(mistake.students)}/{mistake.base})"
            f'<span class="check-id">{escape(mistake.id)}</span>'
            f"<br>{escape(mistake.explanation)}</td><td>{escape(mistake.concept_name)}</td>"
            f"<td>{_ids(mistake.students)}</td></tr>")


# -- quiz items ------------------------------------------------------------------------------------------------------


def _items(report: ClassReport) -> str:
    head = _head("class_report.col.question", ("class_report.col.facility", "num"),
                 ("class_report.col.discrimination", "num"), ("class_report.col.skipped", "num"),
                 "class_report.col.flags")
    return _table_section("items", "class_report.items_heading", head, [_item_row(i) for i in report.items],
                          "class_report.no_quizzes", f'<p class="lead">{_t("class_report.items_lead")}</p>\n')


def _item_row(item: ItemRow) -> str:
    facility = _pct(item.facility) if item.facility is not None else tr("class_report.nobody_answered")
    flags = "".join(f'<span class="flag">{escape(tr(f"class_report.flag.{f}"))}</span>' for f in item.flags)
    caution = (f' <span class="unreliable">{_t("class_report.unreliable")}</span>'
               if item.answered and item.takers < RELIABLE_MIN else "")
    return (f'<tr><td class="check-title">{escape(item.question)}<span class="check-id">{escape(item.quiz)} · '
            f'{escape(item.type)}</span>{_options(item)}</td><td class="num">{escape(facility)}{caution}</td>'
            f'<td class="num">{_num(item.discrimination, 2)}</td>'
            f'<td class="num">{item.skipped}/{item.takers}</td><td>{flags}</td></tr>')


def _options(item: ItemRow) -> str:
    if not item.options:
        return ""
    head = _head("class_report.col.option", ("class_report.col.share", "num"), "class_report.col.misconception")
    rows = "".join(f'<tr><td>{"✔ " if o.correct else ""}{escape(o.text)}</td><td class="num">'
                   f"{_pct(item.share(o))} ({o.chosen})</td><td>{escape(o.misconception)}</td></tr>"
                   for o in item.options.values())
    summary = _t("class_report.show_options", count=len(item.options))
    return f'<details class="passed"><summary>{summary}</summary><table>{head}<tbody>{rows}</tbody></table></details>'


# -- concepts --------------------------------------------------------------------------------------------------------


def _concepts(report: ClassReport) -> str:
    if not report.concepts:
        return ""
    head = _head("class_report.col.concept", ("class_report.col.code_rate", "num"),
                 ("class_report.col.quiz_rate", "num"))
    rows = "\n".join(f'<tr><th scope="row">{escape(c.name)}</th>'
                     f'<td class="num">{_pct(c.code_rate)} ({c.code_students}/{c.code_base})</td>'
                     f'<td class="num">{_pct(c.quiz_rate)} ({c.quiz_students}/{c.quiz_base})</td></tr>'
                     for c in report.concepts)
    return _section("concepts", "class_report.concepts_heading",
                    f'<p class="lead">{_t("class_report.concepts_lead")}</p>\n{_table(head, rows)}')


# -- small pieces --------------------------------------------------------------------------------------------------


def _t(key: str, **params: object) -> str:
    """The message ``key`` in the report's language, escaped for HTML."""
    return escape(tr(key, **params))


def _section(slug: str, heading: str, inner: str) -> str:
    return (f'<section class="card" id="{slug}" aria-labelledby="{slug}-heading">\n'
            f'<h2 id="{slug}-heading">{_t(heading)}</h2>\n{inner}\n</section>')


def _head(*columns: str | tuple[str, str]) -> str:
    cells = []
    for column in columns:
        key, css = column if isinstance(column, tuple) else (column, "")
        cells.append(f'<th scope="col"{f" class={chr(34)}{css}{chr(34)}" if css else ""}>{_t(key)}</th>')
    return f"<thead><tr>{''.join(cells)}</tr></thead>"


def _table_section(slug: str, heading: str, head: str, rows: list[str], empty: str, before: str = "") -> str:
    """A section of one table, or of the sentence ``empty`` when it has no rows."""
    if not rows:
        return _section(slug, heading, f"<p>{_t(empty)}</p>")
    return _section(slug, heading, before + _table(head, "\n".join(rows)))


def _table(head: str, rows: str) -> str:
    return f"<table>\n{head}\n<tbody>\n{rows}\n</tbody>\n</table>"


def _ids(students: list[str]) -> str:
    if not students:
        return ""
    return (f'<details><summary>{_t("class_report.show_students", count=len(students))}</summary>'
            f'<p class="ids">{escape(" ".join(students))}</p></details>')


def _reliability(count: int) -> str:
    if count >= RELIABLE_MIN:
        return ""
    return f'<p class="unreliable">{_t("class_report.unreliable_base", students=count, minimum=RELIABLE_MIN)}</p>'


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


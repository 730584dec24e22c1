"""The HTML report: one self-contained file with the score table and the figures of what failed.

Everything is inline -- the CSS, and each figure as an SVG element -- and nothing points outside the file (no script,
font, stylesheet or image URL), so it opens offline and can be mailed or attached to a grade as it is. It reads a
``GradeResult`` and the ``Figures`` gathered for it (``grader.figures``), and computes nothing but sums. Outcomes
are spelled out in words, never shown by colour alone; headings, table headers and figure titles are real markup
for screen readers.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from pathlib import Path

from grader import mistakes
from grader.figures.draw import Drawing, NotDrawn, draw_all
from grader.figures.model import DEPTH, WIDTH, Figure, Figures
from grader.gradcheck import GRADIENT_TOLERANCE
from grader.i18n import current_language, language, tr
from grader.report.common import figure_title, outcome_word, output_tail, pts
from grader.results import CheckResult, GradeResult, Outcome, PartResult

# The page's stylesheet, inlined into every report: a file of its own so that it reads, and changes, as CSS.
STYLESHEET = Path(__file__).with_name("html.css")
WIDE_KINDS = ("gradient", "depth")  # figures that span both columns of the grid (several panels side by side)


def render_html(result: GradeResult, figures: Figures | None = None) -> str:
    """The report page of ``result`` with ``figures`` (None: none were gathered, as for a notebook's report)."""
    figures = figures or Figures()
    with language(result.language):
        drawn = _Drawn(figures)
        body = [_banner(result), '<main id="main" class="wrap">', _summary(result), *_notes(figures, result.notes)]
        body += [_part(part, drawn) for part in result.parts]
        body += [_training(drawn), "</main>", _footer(result)]
        return _page(result, "\n".join(b for b in body if b))


class _Drawn:
    """The figures, each turned into its HTML once, and which check each explains."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self.by_check: dict[str, Figure] = {}
        for figure in figures.items:
            for check_id in figure.checks:
                self.by_check.setdefault(check_id, figure)
        drawings = {i: _drawing_of(f, i) for i, f in enumerate(figures.items)}
        wanted = {i: d for i, d in drawings.items() if d is not None}
        self.pictures = dict(zip(wanted, draw_all(list(wanted.values())), strict=True))

    def of_part(self, part: str) -> list[str]:
        return [self._html(f) for f in self.figures.of_part(part)]

    def of_training(self) -> list[str]:
        return [self._html(f) for f in self.figures.of_training()]

    def _html(self, figure: Figure) -> str:
        return _figure(figure, self.pictures.get(self.figures.items.index(figure), ""))


# -- the page ------------------------------------------------------------------------------------------------------


def _page(result: GradeResult, body: str) -> str:
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{escape(result.language)}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<title>{_t("report.title", submission=result.submission)}</title>',
        f"<style>\n{STYLESHEET.read_text(encoding='utf-8')}</style>", "</head>",
        "<body>", f'<a class="skip" href="#main">{_t("report.skip")}</a>', body, "</body>", "</html>", ""])


def _banner(result: GradeResult) -> str:
    counts = Counter(c.outcome for c in result.checks)
    tally = " · ".join(f"{counts[o]} {escape(outcome_word(o))}" for o in Outcome if counts[o])
    points, top = pts(result.points), pts(result.max_points)
    return f"""<header class="banner">
<div class="wrap banner-grid">
<div>
<p class="kicker">nn-grader</p>
<h1>{_t("report.heading")}</h1>
<p class="submission"><code>{escape(result.submission)}</code></p>
</div>
<div class="score">
<p><span class="score-big">{points}</span><span class="score-of"> / {top}</span></p>
<p class="score-words">{_t("report.score", points=points, max=top)}</p>
{_meter(result.points, result.max_points, "meter")}
<p class="tally">{tally}</p>
</div>
</div>
</header>"""


def _summary(result: GradeResult) -> str:
    rows = []
    for part in result.parts:
        checks = (_t("report.not_graded") if part.ungradable
                  else _t("report.passed_of", passed=part.passed_count, total=len(part.checks)))
        rows.append(f'<tr><th scope="row"><a href="#part-{_slug(part.name)}">{escape(part.name)}</a></th>'
                    f"<td>{escape(part.title)}</td><td>{checks}</td><td class=\"num\">"
                    f"{_meter(part.points, part.max_points, 'mini-meter')}<span class=\"pts\">{_score(part)}</span>"
                    "</td></tr>")
    return f"""<section class="card" aria-labelledby="summary-heading">
<h2 id="summary-heading">{_t("report.summary_heading")}</h2>
<table class="summary">
{_head(("report.col.part", ""), ("report.col.title", ""), ("report.col.checks", ""), ("report.col.points", "num"))}
<tbody>
{chr(10).join(rows)}
</tbody>
<tfoot><tr><th scope="row" colspan="3">{_t("report.total")}</th><td class="num">{_score(result)}</td></tr></tfoot>
</table>
</section>"""


def _notes(figures: Figures, submission_notes: list[str]) -> list[str]:
    notes = [*submission_notes] + ([figures.note] if figures.note else [])
    return [f'<aside class="note" role="note"><p>{escape(n)}</p></aside>' for n in notes]


def _part(part: PartResult, drawn: _Drawn) -> str:
    """A part's section: its figures first, then what failed, then (folded) what passed."""
    slug = _slug(part.name)
    lines = [f'<section class="card part" id="part-{slug}" aria-labelledby="part-{slug}-heading">',
             f'<h2 id="part-{slug}-heading"><span class="part-name">{escape(part.name)}</span> '
             f'<span class="part-title">{escape(part.title)}</span> '
             f'<span class="part-points">{_score(part)}</span></h2>']
    every_check = _folded(_t("report.show_checks", count=len(part.checks)), _checks_table(part.checks, drawn))
    if part.ungradable:
        return "\n".join(lines + [f'<pre class="message">{escape(part.diagnostic)}</pre>', every_check, "</section>"])
    if part.checks and all(c.outcome is Outcome.NOT_IMPLEMENTED for c in part.checks):
        return "\n".join(lines + [f'<p class="todo">{_badge(Outcome.NOT_IMPLEMENTED)} '
                                  f'{_t("report.all_todo", count=len(part.checks))}</p>', every_check, "</section>"])
    pictures = drawn.of_part(part.name)
    if pictures:
        lines += [f'<h3>{_t("report.figures_heading")}</h3>', '<div class="figures">', *pictures, "</div>"]
    failing, passed = [c for c in part.checks if not c.passed], [c for c in part.checks if c.passed]
    if failing:
        lines.append(_checks_table(failing, drawn))
    if passed:
        summary = _t("report.others_passed" if failing else "report.all_passed", count=len(passed))
        lines.append(_folded(summary, _checks_table(passed, drawn)))
    return "\n".join(lines + ["</section>"])


def _checks_table(checks: list[CheckResult], drawn: _Drawn) -> str:
    head = _head(("report.col.outcome", ""), ("report.col.check", ""), ("report.col.points", "num"),
                 ("report.col.details", ""))
    rows = "\n".join(_check_row(c, drawn.by_check.get(c.id)) for c in checks)
    return f'<table class="checks">\n{head}\n<tbody>\n{rows}\n</tbody>\n</table>'


def _check_row(check: CheckResult, figure: Figure | None) -> str:
    details = []
    if check.message and not check.passed and check.outcome is not Outcome.UNGRADABLE:
        details.append(f'<pre class="message">{escape(check.message)}</pre>')
    if check.mistake:
        details.append(f'<p class="mistake"><span class="tag">{_t("report.mistake")}</span> '
                       f"{escape(_mistake_name(check.mistake))}</p>")
    if check.hint:
        details.append(f'<p class="hint"><strong>{_t("report.hint")}:</strong> {escape(check.hint)}</p>')
    if check.output and not check.passed:
        details.append(_folded(_t("report.output"), f"<pre>{escape(output_tail(check))}</pre>", "output"))
    if figure is not None:
        details.append(f'<p class="see"><a href="#{figure.id}">{_t("report.see_figure")}</a></p>')
    return (f'<tr id="{_check_anchor(check.id)}" class="row-{check.outcome}"><td>{_badge(check.outcome)}</td>'
            f'<td class="check-title">{escape(check.title)}<span class="check-id">{escape(check.name)}</span></td>'
            f'<td class="num">{pts(check.points)} / {pts(check.max_points)}</td>'
            f'<td class="details">{"".join(details)}</td></tr>')


def _training(drawn: _Drawn) -> str:
    pictures = drawn.of_training()
    if not pictures:
        return ""
    return "\n".join(['<section class="card" id="training" aria-labelledby="training-heading">',
                      f'<h2 id="training-heading">{_t("report.training_heading")}</h2>',
                      f'<p class="lead">{_t("report.training_lead")}</p>', '<div class="figures">', *pictures,
                      "</div>", "</section>"])


def _drawing_of(figure: Figure, index: int) -> Drawing | None:
    """What the page draws for its ``index``-th figure (in the report's language), or None: it has no data."""
    if not figure.panels:
        return None
    return Drawing(figure, figure_title(figure), f"nn-grader-figure-{index}", current_language())


def _figure(figure: Figure, drawn: str | NotDrawn) -> str:
    """A figure: its SVG as ``drawn`` (none when it has no data or could not be drawn), a caption, what the data
    shows, and any problem."""
    title, picture, problems = figure_title(figure), drawn if isinstance(drawn, str) else "", [figure.problem]
    if isinstance(drawn, NotDrawn):
        problems.append(tr("report.problem.figure_error", detail=drawn.detail))
    caption = tr(f"report.caption.{figure.kind}", tolerance=f"{GRADIENT_TOLERANCE:g}", layers=DEPTH, width=WIDTH)
    lines = [f'<p class="fig-caption"><strong>{escape(title)}</strong>. {escape(caption)}</p>']
    if figure.summary:
        lines.append(f'<p class="fig-summary">{escape(figure.summary)}</p>')
    if any(problems):
        lines.append(f'<p class="fig-problem" role="note">{escape(" ".join(filter(None, problems)))}</p>')
    if figure.checks:
        links = ", ".join(f'<a href="#{_check_anchor(c)}">{escape(c.partition("::")[2])}</a>' for c in figure.checks)
        lines.append(f'<p class="fig-explains">{_t("report.explains")} {links}</p>')
    wide = " wide" if figure.kind in WIDE_KINDS and len(figure.panels) > 1 else ""
    return (f'<figure class="plot{wide}" id="{figure.id}">\n{picture}\n<figcaption>{"".join(lines)}</figcaption>\n'
            "</figure>")


def _footer(result: GradeResult) -> str:
    v = result.versions
    reproduce = _t("report.reproduce", seed=result.seed, suites=result.suite_hash, python=v.get("python", "?"),
                   numpy=v.get("numpy", "?"), version=v.get("nn-grader", "?"), seconds=f"{result.duration:.2f}")
    return f'<footer class="wrap"><p>{reproduce}</p><p>{_t("report.offline")}</p></footer>'


# -- small pieces --------------------------------------------------------------------------------------------------


def _t(key: str, **params: object) -> str:
    """The message ``key`` in the report's language, escaped for HTML."""
    return escape(tr(key, **params))


def _head(*columns: tuple[str, str]) -> str:
    """A table's header row: (message key, CSS class) per column."""
    cells = "".join(f'<th scope="col"{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{_t(key)}</th>'
                    for key, cls in columns)
    return f"<thead><tr>{cells}</tr></thead>"


def _badge(outcome: Outcome) -> str:
    return f'<span class="badge o-{outcome}">{escape(outcome_word(outcome))}</span>'


def _meter(points: float, top: float, css: str) -> str:
    """A bar filled to points / top; hidden from screen readers, which read the numbers beside it."""
    return f'<span class="{css}" aria-hidden="true"><span style="width: {100 * points / top if top else 0:.1f}%">' \
           "</span></span>"


def _folded(summary: str, inner: str, css: str = "passed") -> str:
    return f'<details class="{css}"><summary>{summary}</summary>\n{inner}\n</details>'


def _score(graded: GradeResult | PartResult) -> str:
    return f"{pts(graded.points)} / {pts(graded.max_points)}"


def _mistake_name(mistake_id: str) -> str:
    try:
        return mistakes.find(mistake_id).name
    except LookupError:
        return mistake_id


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def _check_anchor(check_id: str) -> str:
    return "check-" + _slug(check_id)

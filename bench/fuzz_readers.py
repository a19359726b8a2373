"""Fuzz the readers: mutated and hostile forms through ``read_forms``, the self-evaluation recheck, the JSON
serialisation and the ``parse`` command's console output. Not a CI test; CI runs a small derandomized slice
(``tests/domain/forms/test_fuzz_slice.py``).

    python bench/fuzz_readers.py [--count 10000] [--seed 0] [--workers 2] [--json bench/out/fuzz.json]

Bases: the development set of real forms, the seed forms, forms of our own in every layout class, and a few
generated Word and Excel files. Each input is one base put through one to three mutations (characters
changed, hostile snippets spliced in: terminal markup, 30- to 40-digit numbers, Word field codes, long lines,
runs of newlines and pipes, invisible characters; separators removed; re-encoded; truncated; bytes flipped).

Every input runs in a worker process under a 10 s alarm. Outcomes: read, refused (and whether the refusal
names a line, row, cell, column, page or sheet), crashed (any other exception: a bug), over time. The worker's
peak resident memory is sampled after every input; a PDF is read in a child process of its own
(``forms/readers/isolated.py``), whose peak resident memory and CPU time count for the input too.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import multiprocessing
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("JIXIAO_SHARED", ROOT.parent / "shared"))
LIMIT_SECONDS = 10
_PLACE = re.compile(
    r"\b(line|lines|row|rows|cell|column|page|pages|sheet|sheets|table|paragraph) \w"
    r"|工作表|单元格|段落|第[\d,–-]+(?:行|页|列|个表格)"
)

HOSTILE = (
    "\x1b[31m",
    "\x1b]8;;http://x\x1b\\",
    "[bold]",
    "[/]",
    "[/red]",
    "[link=file:///etc/passwd]x[/link]",
    "1" * 30,
    "9" * 40,
    "≥" + "9" * 40 + "%",
    "1" * 30 + "万元",
    "-" + "9" * 35 + ".5",
    "1e999",
    "NaN",
    "Infinity",
    " TC " * 200,
    "\\l 1 \\f A",
    "|" * 500,
    "\n" * 2000,
    "\t" * 300,
    "\u00a0" * 50,
    "\u200b\u200d\ufeff",
    "\u202e\u2066",
    "指标1:",
    "……",
    "=8个",
    "=SUM(A1:A9)",
    "45O",
    "IO",
    "两万",
    "≥三次",
    "(万元)",
    "項(xiàng)目",
    "万兀",
    "290%",
    "<p>" * 100,
    "(" * 300,
    "[" * 300,
    "一级指标二级指标三级指标指标值" * 20,
    "产出指标数量指标" * 200,
    "a" * 120_000,
)

OWN_FORMS = (
    # Tab-separated target table.
    "2024年度项目支出绩效目标表\n项目名称\t社区书屋运营\n实施单位\t示例街道办事处\n项目资金(万元)\t年度资金总额\t120\n"
    "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t图书借阅人次\t≥5000人次\n"
    "产出指标\t质量指标\t图书完好率\t≥98%\n满意度指标\t服务对象满意度指标\t读者满意度\t≥90%\n",
    # Self-evaluation, space separated.
    "项目支出绩效自评表(2024年度)\n项目名称 社区书屋运营\n一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
    "产出指标 数量指标 图书借阅人次 ≥5000人次 6100人次 30 30\n产出指标 时效指标 开放及时率 ≥95% 97% 20 20\n"
    "效益指标 社会效益指标 居民阅读氛围 良好 良好 40 38\n总分 100 98\n",
    # Run-together narrative.
    "关于社区书屋项目绩效目标的公示\n一、产出指标\n设1条数量指标:新增藏书(≥**册)≥1200册;设1条质量指标:图书上架准确率≥98%。\n",
)


# --- PDFs built here, byte by byte: a small form with a text layer, and hostile ones -------------------------


def pdf(objects: list[bytes], *, root: int = 1, xref: bool = True, trailer_extra: bytes = b"") -> bytes:
    """A PDF of ``objects`` (object ``i + 1`` is ``objects[i]``) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, trailer_extra, start
    )  # fmt: skip
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _cjk_text(lines: list[str]) -> bytes:
    """A content stream that shows ``lines`` in a font whose codes are the characters' own (UTF-16)."""
    ops = [b"BT /F1 10 Tf 12 TL 40 800 Td"]
    for line in lines:
        ops.append(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


_TO_UNICODE = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def 1 begincodespacerange "
    b"<0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap "
    b"CMapName currentdict /CMap defineresource pop end end"
)


def form_pdf(lines: list[str], pages: int = 1) -> bytes:
    """A PDF with a text layer: ``lines`` on every one of ``pages`` pages, in a CID font with a ToUnicode map."""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [5 0 R] "
            b"/ToUnicode 6 0 R >>")  # fmt: skip
    descendant = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe) "
                  b"/Ordering (Identity) /Supplement 0 >> /DW 1000 >>")  # fmt: skip
    content = _stream(_cjk_text(lines))
    first_page = 7
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        content,
        font,
        descendant,
        _stream(_TO_UNICODE),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 3 0 R >>"
    ] * pages
    return pdf(objects)


_PDF_FORM = [
    "2024年度项目支出绩效目标表",
    "项目名称 社区书屋运营",
    "一级指标 二级指标 三级指标 指标值",
    "产出指标 数量指标 图书借阅人次 ≥5000人次",
    "产出指标 质量指标 图书完好率 ≥98%",
    "满意度指标 服务对象满意度指标 读者满意度 ≥90%",
]


def _deflated(byte: bytes, size: int) -> bytes:
    """``size`` copies of ``byte``, deflated a megabyte at a time (never held whole)."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = byte * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


@functools.cache
def hostile_pdfs() -> list[tuple[str, bytes]]:
    """Small PDFs built to cost time or memory: deep nesting, huge and deflate-bombed streams, broken and
    looping cross references, page trees that loop or hold thousands of pages, a page of millions of glyphs."""
    import zlib

    good = form_pdf(_PDF_FORM)
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
            b"/Contents 3 0 R >>")  # fmt: skip
    catalog, pages1 = b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [7 0 R] /Count 1 >>"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    glyphs = zlib.compress(
        b"BT /F1 1 Tf " + b"(AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj " * 400_000 + b"ET", 9
    )
    out = [
        ("pdf-form.pdf", good),
        ("pdf-form-300-pages.pdf", form_pdf(_PDF_FORM, pages=300)),
        ("pdf-form-2500-pages.pdf", form_pdf(_PDF_FORM, pages=2500)),
        ("pdf-deep-arrays.pdf", pdf([catalog, pages1, _stream(b"BT ET"), font, b"[" * 200_000 + b"]" * 200_000,
                                     b"null", page])),
        ("pdf-deep-dicts.pdf", pdf([catalog, pages1, _stream(b"BT ET"), font, b"<< /A " * 50_000 + b"1" +
                                    b" >>" * 50_000, b"null", page])),
        ("pdf-deflate-bomb.pdf", pdf([catalog, pages1, _stream(_deflated(b"\0", 400_000_000),
                                                               b"/Filter /FlateDecode "), font, b"null", b"null",
                                      page])),
        ("pdf-double-deflate-bomb.pdf", pdf([catalog, pages1, _stream(zlib.compress(_deflated(b" ", 300_000_000),
            9), b"/Filter [/FlateDecode /FlateDecode] "), font, b"null", b"null", page])),
        ("pdf-million-glyphs.pdf", pdf([catalog, pages1, _stream(glyphs, b"/Filter /FlateDecode "), font,
                                        b"null", b"null", page.replace(b"4 0 R", b"4 0 R")])),
        ("pdf-huge-length.pdf", pdf([catalog, pages1, b"<< /Length 99999999999 >>\nstream\nBT ET\nendstream",
                                     font, b"null", b"null", page])),
        ("pdf-no-xref.pdf", pdf([catalog, pages1, _stream(b"BT ET"), font, b"null", b"null", page], xref=False)),
        ("pdf-looping-prev.pdf", pdf([catalog, pages1, _stream(b"BT ET"), font, b"null", b"null", page],
                                     trailer_extra=b"/Prev 9 ")),
        ("pdf-page-tree-loop.pdf", pdf([catalog, b"<< /Type /Pages /Kids [2 0 R 7 0 R] /Count 2 >>",
                                        _stream(b"BT ET"), font, b"null", b"null", page])),
        ("pdf-kids-self.pdf", pdf([catalog, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>", b"null", b"null",
                                   b"null", b"null", b"null"])),
        ("pdf-reference-chain.pdf", pdf([catalog, pages1, _stream(b"BT ET"), font, b"8 0 R", b"null", page,
                                         *[b"%d 0 R" % (i + 1) for i in range(8, 20_000)]])),
        ("pdf-many-streams.pdf", pdf([catalog, pages1, _stream(b"BT ET"), font, b"null", b"null", page,
                                      *[_stream(b"x") for _ in range(20_000)]])),
        ("pdf-garbage-xref.pdf", good.replace(b"xref", b"xrf\x00")),
        ("pdf-truncated.pdf", good[: len(good) // 2]),
        ("pdf-no-text.pdf", pdf([catalog, pages1, _stream(b"0 0 m 100 100 l S"), font, b"null", b"null", page])),
        ("pdf-many-lines.pdf", pdf([catalog, pages1, _stream(zlib.compress(b"".join(
            b"%d 0 m %d 800 l S " % (i % 595, i % 595) for i in range(100_000)), 9), b"/Filter /FlateDecode "),
            font, b"null", b"null", page])),
        # Under every check made before pdfminer runs (39,000 operators, 1.8 MB of content, 6 KB deflated),
        # but 1.5 million glyphs for pdfminer to lay out: seconds and hundreds of megabytes inside it.
        ("pdf-glyph-runs.pdf", pdf([catalog, pages1, _stream(zlib.compress(
            b"BT /F1 1 Tf " + (b"(" + b"A" * 40 + b") Tj ") * 39_000 + b"ET", 9),
            b"/Filter /FlateDecode "), font, b"null", b"null", page])),
    ]  # fmt: skip
    return out


def bases(*, binaries: bool = True, pdfs: bool = False, pdf_only: bool = False) -> list[tuple[str, bytes]]:
    if pdf_only:
        return list(hostile_pdfs())
    out: list[tuple[str, bytes]] = []
    for folder in (SHARED / "samples" / "real-forms", SHARED / "seeds"):
        out.extend((p.name, p.read_bytes()) for p in sorted(folder.glob("*.txt")))
    out.extend((f"own-{i}.txt", text.encode()) for i, text in enumerate(OWN_FORMS))
    if pdfs:
        out.extend(hostile_pdfs())
    corpus_dir = ROOT / "bench" / "out" / "corpus"
    if binaries and corpus_dir.is_dir():
        files = sorted([*corpus_dir.glob("*.xlsx"), *corpus_dir.glob("*.docx")])[:10]
        out.extend((p.name, p.read_bytes()) for p in files)
    return out


def mutate(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    binary = not name.endswith(".txt")
    if name.endswith(".pdf") and rng.random() < 0.5:
        data = _pdf_splice(data, rng)
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(_BINARY if binary else _TEXT)(data, rng)
    return name, data


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _splice(data: bytes, rng: random.Random) -> bytes:
    text = _text(data)
    at = rng.randrange(len(text) + 1)
    return (text[:at] + rng.choice(HOSTILE) * rng.choice((1, 1, 1, 3, 50)) + text[at:]).encode()


def _chars(data: bytes, rng: random.Random) -> bytes:
    chars = list(_text(data))
    for _ in range(rng.randint(1, 20)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.4:
            chars[i] = rng.choice("0123456789%≥≤=|\t\n 万元指标.,OIl二两三")
        elif op < 0.7:
            del chars[i]
        else:
            chars.insert(i, rng.choice(chars))
    return "".join(chars).encode()


def _separators(data: bytes, rng: random.Random) -> bytes:
    text = _text(data)
    choice = rng.random()
    if choice < 0.3:
        return re.sub(r"[\t|]", "", text).encode()  # cells run together
    if choice < 0.6:
        return text.replace("\n", rng.choice(("", " ", "\n\n"))).encode()
    return text.replace("\t", " ").encode()


def _encode(data: bytes, rng: random.Random) -> bytes:
    text = _text(data)
    return text.encode(rng.choice(("gb18030", "utf-16", "utf-8-sig")), errors="replace")


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data) + 1)] if data else data


def _flip(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 30)):
        if buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


def _pdf_splice(data: bytes, rng: random.Random) -> bytes:
    """A hostile PDF token spliced into a PDF: nesting, a huge number, a broken reference or keyword."""
    token = rng.choice((b"[" * 5000, b"<<" * 5000, b"9" * 400, b" 99999 0 R ", b"endobj", b"stream\n",
                        b"/Length -1", b"xref\n0 999999\n", b"(" * 3000, b"%%EOF"))  # fmt: skip
    at = rng.randrange(len(data) + 1)
    return data[:at] + token + data[at:]


_TEXT = (_splice, _splice, _chars, _separators, _encode, _truncate, _flip)
_BINARY = (_truncate, _flip, _flip)


# --- the worker ---------------------------------------------------------------------------------------------


def _alarm(_signum: int, _frame: Any) -> None:
    raise TimeoutError("over the limit")


def run_one(path: Path) -> dict[str, Any]:
    from jixiao.cli import _print_forms
    from jixiao.domain.forms import read_forms
    from jixiao.domain.forms.model import FormReadError
    from jixiao.domain.forms.readers import isolated
    from jixiao.domain.forms.serialize import form_to_dict
    from jixiao.domain.scoring.selfeval import recheck

    isolated.LAST_RUN = None
    started = time.monotonic()
    cpu_started = time.process_time()
    outcome: dict[str, Any] = {"file": path.name}
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT_SECONDS)
    try:
        forms = read_forms(path)
        for form in forms:
            json.dumps(form_to_dict(form), ensure_ascii=False)
            if form.indicators:
                recheck(form)
        with contextlib.redirect_stdout(io.StringIO()):
            _print_forms(forms)
        outcome["result"] = "read"
    except FormReadError as error:
        # The alarm fires inside a library too, whose errors the readers turn into refusals: still over time.
        outcome["result"] = "over_time" if "over the limit" in str(error) else "refused"
        outcome["names_place"] = bool(_PLACE.search(str(error)))
        outcome["message"] = str(error)[:200]
    except TimeoutError:
        outcome["result"] = "over_time"
    except Exception as error:
        outcome["result"] = "crash"
        outcome["error"] = f"{type(error).__name__}: {error}"[:300]
        outcome["trace"] = traceback.format_exc()[-1500:]
    finally:
        signal.alarm(0)
    outcome["seconds"] = time.monotonic() - started
    outcome["cpu_seconds"] = time.process_time() - cpu_started
    outcome["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = isolated.LAST_RUN
    if child is not None:
        # The PDF child's own figures: its peak memory, and its time (CPU time is not visible to the parent).
        outcome["pdf_child"] = child.outcome
        outcome["child_rss_mb"] = child.peak_rss_kib / 1024
        outcome["child_cpu_seconds"] = child.cpu_seconds
        outcome["cpu_seconds"] += child.cpu_seconds
        outcome["rss_mb"] = max(outcome["rss_mb"], outcome["child_rss_mb"])
    return outcome


def run_chunk(paths: list[str]) -> list[dict[str, Any]]:
    return [run_one(Path(p)) for p in paths]


def generate(
    folder: Path, count: int, seed: int, *, binaries: bool = True, pdfs: bool = False, pdf_only: bool = False
) -> list[Path]:
    """``count`` inputs in ``folder``; Word and Excel bases only with ``binaries`` and a generated corpus
    (``bench/out/corpus``, written by ``bench_parse.py`` or ``corpus.py``); with ``pdfs``, the hostile PDFs
    as they are first, then mutated among the other bases."""
    rng = random.Random(seed)
    pool = bases(binaries=binaries, pdfs=pdfs, pdf_only=pdf_only)
    paths: list[Path] = []
    if pdfs:
        for name, data in hostile_pdfs():
            path = folder / f"as-built-{name}"
            path.write_bytes(data)
            paths.append(path)
    for i in range(count - len(paths)):
        name, data = mutate(*rng.choice(pool), rng)
        path = folder / f"{i:05d}-{name}"
        path.write_bytes(data or b" ")
        paths.append(path)
    return paths


def summarise(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    results = Counter(o["result"] for o in outcomes)
    refused = [o for o in outcomes if o["result"] == "refused"]
    return {
        "inputs": len(outcomes),
        "read": results["read"],
        "refused": results["refused"],
        "refusals_naming_place": sum(1 for o in refused if o["names_place"]),
        "crashes": results["crash"],
        "over_time": results["over_time"],
        "max_seconds": max((o["seconds"] for o in outcomes), default=0.0),
        "max_cpu_seconds": max((o.get("cpu_seconds", 0.0) for o in outcomes), default=0.0),
        "max_worker_rss_mb": max((o["rss_mb"] for o in outcomes), default=0.0),
        "max_pdf_child_rss_mb": max((o.get("child_rss_mb", 0.0) for o in outcomes), default=0.0),
        "pdf_children": Counter(o["pdf_child"] for o in outcomes if "pdf_child" in o),
        "crash_kinds": Counter(o["error"].split(":")[0] for o in outcomes if o["result"] == "crash"),
        "refusals_not_naming_place": Counter(
            re.split(r": |：", o["message"], maxsplit=1)[-1][:80] for o in refused if not o["names_place"]
        ).most_common(10),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--pdfs", action="store_true", help="add the hostile PDFs built here to the bases")
    parser.add_argument(
        "--pdf-only", action="store_true", help="with --pdfs: mutate only the PDFs built here, no text bases"
    )
    parser.add_argument("--no-binaries", action="store_true", help="leave out the generated .xlsx/.docx")
    args = parser.parse_args(argv)
    # Imported once here, so every forked worker starts with the readers loaded.
    import pdfplumber  # noqa: F401  (the PDF inputs: imported once, not in every fresh worker)
    import rich.console
    import rich.table  # noqa: F401

    import jixiao.cli
    import jixiao.domain.forms.assemble
    import jixiao.domain.forms.flow
    import jixiao.domain.scoring.selfeval  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="jixiao-fuzz-") as tmp:
        paths = [
            str(p)
            for p in generate(
                Path(tmp),
                args.count,
                args.seed,
                binaries=not args.no_binaries,
                pdfs=args.pdfs or args.pdf_only,
                pdf_only=args.pdf_only,
            )
        ]
        chunks = [paths[i : i + 25] for i in range(0, len(paths), 25)]
        started = time.monotonic()
        outcomes: list[dict[str, Any]] = []
        # Workers that may have children (a multiprocessing.Pool's may not): each reads its PDFs in child
        # processes of its own fork server, as the application does. A worker's peak memory is the most it
        # ever held, so a worker that leaks cannot hide it.
        from jixiao.domain.forms.readers.isolated import warm_up

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(args.workers, mp_context=context, initializer=warm_up) as pool:
            for chunk in pool.map(run_chunk, chunks):
                outcomes.extend(chunk)
        elapsed = time.monotonic() - started
    summary = summarise(outcomes)
    summary["wall_seconds"] = elapsed
    print(json.dumps(summary, ensure_ascii=False, indent=2, default=dict))
    for o in outcomes:
        if o["result"] in ("crash", "over_time"):
            print(o["file"], o["result"], o.get("error", ""), file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        slowest = sorted(outcomes, key=lambda o: -o["seconds"])[:10]
        args.json.write_text(
            json.dumps(
                {
                    "summary": summary,
                    "problems": [o for o in outcomes if o["result"] in ("crash", "over_time")],
                    "slowest": slowest,
                },
                ensure_ascii=False,
                default=dict,
            )
        )
    return 1 if summary["crashes"] or summary["over_time"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""The documentation stays true: every relative link in README.md and docs/*.md reaches a file
(and, with a #fragment, a heading of it), every docs page is linked from the README, and the
README's quick start, read from the README itself, works against the built binary."""

import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from lumagate_process import BINARY, ROOT, LumagateProcess  # noqa: E402

README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^ {0,3}(```|~~~)")


# --- reading Markdown ------------------------------------------------------------------------

def prose_lines(text):
    """The lines outside fenced code blocks, as (line, is_prose) pairs."""
    inside = False
    for line in text.splitlines():
        if FENCE.match(line):
            inside = not inside
            yield line, False
        else:
            yield line, not inside


def headings(text):
    return [match.group(2).strip() for line, prose in prose_lines(text) if prose
            for match in [re.match(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", line)] if match]


def slug(heading):
    """GitHub's anchor for a heading: its text, lowercased, punctuation other than - and _
    dropped, each space turned into -."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # links and images: their text
    text = re.sub(r"<[^>]+>", "", text)                          # inline HTML
    text = text.replace("`", "").lower()
    kept = "".join(ch for ch in text
                   if ch in "-_ " or unicodedata.category(ch)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(path):
    seen, result = {}, set()
    for heading in headings(path.read_text()):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def links(path):
    """(line number, target) of every inline link and image outside code."""
    prose = "\n".join(re.sub(r"`[^`]*`", "", line) if is_prose else ""
                      for line, is_prose in prose_lines(path.read_text()))
    for match in re.finditer(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", prose):
        yield prose.count("\n", 0, match.start()) + 1, match.group(1)


def relative(target):
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) and not target.startswith("//")


def test_slug_follows_githubs_rules():
    assert slug("Submit — `POST /luma/generations` (also `/luma/generations/`)") == \
        "submit--post-lumagenerations-also-lumagenerations"
    assert slug("Running against Luma's official API") == "running-against-lumas-official-api"
    assert slug("Money: quotas, prices, refunds") == "money-quotas-prices-refunds"
    assert slug("download_video_url") == "download_video_url"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    broken = []
    for line, target in links(page):
        if not relative(target):
            continue
        path_part, _, fragment = target.partition("#")
        destination = (page.parent / path_part).resolve() if path_part else page
        where = f"{page.relative_to(ROOT)}:{line}: {target}"
        if not destination.exists():
            broken.append(f"{where} (no file {destination})")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            broken.append(f"{where} (no heading #{fragment} in {os.path.relpath(destination, ROOT)})")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_readme_links_every_docs_page():
    linked = {(README.parent / target.partition("#")[0]).resolve()
              for _, target in links(README) if relative(target)}
    missing = [str(page.relative_to(ROOT)) for page in PAGES[1:] if page.resolve() not in linked]
    assert not missing, "docs pages the README does not link: " + ", ".join(missing)


# --- the quick start -------------------------------------------------------------------------

def quick_start_blocks():
    """The shell blocks of the README's `## Quick start` section, each as a list of commands:
    comment lines and blank lines dropped, continued lines joined."""
    blocks, current, in_section, opened_in_section = [], None, False, False
    for line in README.read_text().splitlines():
        if FENCE.match(line):
            if current is None:
                current, opened_in_section = [], in_section
            else:
                if opened_in_section:
                    blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
        else:
            match = re.match(r"^ {0,3}(#{1,6})\s+(.*?)\s*$", line)
            if match:
                in_section = match.group(2) == "Quick start"
    commands = []
    for block in blocks:
        joined, pending = [], ""
        for line in block:
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            joined.append(pending + line.strip())
            pending = ""
        commands.append(joined)
    return commands


def test_quick_start_names_the_scripts_it_runs():
    first = quick_start_blocks()[0]
    scripts = [command.split()[0] for command in first]
    assert "./serve" in scripts and "./test" in scripts, first
    for script in scripts:
        assert os.access(ROOT / script, os.X_OK), f"{script} is not an executable in the repository"


@pytest.fixture(scope="module")
def gateway():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it with `swift build` first")
    with tempfile.TemporaryDirectory() as directory:
        running = LumagateProcess(directory)
        running.start()
        yield running
        running.stop()


def test_readme_quick_start_works(gateway):
    block = next((commands for commands in quick_start_blocks()
                  if any("token create" in command for command in commands)), None)
    assert block, "no quick start block creates a token"
    text = "\n".join(block)
    assert ".build/release/lumagate" in text and "http://127.0.0.1:8080" in text, text

    def adapt(command):
        command = command.replace(".build/release/lumagate", shlex.quote(str(BINARY)))
        command = re.sub(r"(\btoken create\b[^|)\n]*?)\s*(?=[|)]|$)",
                         lambda m: f"{m.group(1)} --data-dir {shlex.quote(gateway.directory)}",
                         command)
        command = command.replace("http://127.0.0.1:8080", gateway.base)
        return re.sub(r"[0-9A-Za-z-]*…", "${ID}", command)   # the id the submit answered

    commands = [adapt(command) for command in block if not re.match(r"^sleep\b", command)]
    assert any("token create" in c and "--data-dir" in c for c in commands), commands
    query_at = next((i for i, c in enumerate(commands) if "${ID}" in c), None)
    assert query_at is not None, "no quick start command reads the submitted task back"
    before, query = commands[:query_at], commands[query_at]
    assert any(re.search(r"\bcurl\b.*-X POST", c) for c in before), "no submit before the query"

    # Everything before the query runs as written, in one shell; each command's output is kept,
    # and the variables it sets are passed on to the query.
    with tempfile.TemporaryDirectory() as work:
        script = ["set -euo pipefail"]
        for index, command in enumerate(before):
            script.append(f"{{ {command}\n}} > {shlex.quote(f'{work}/out.{index}')}")
        names = sorted(set(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)=", "\n".join(before), re.M)))
        for name in names:
            script.append(f"printf '%s' \"${name}\" > {shlex.quote(f'{work}/var.{name}')}")
        run = subprocess.run(["bash", "-c", "\n".join(script)], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        outputs = [pathlib.Path(work, f"out.{i}").read_text() for i in range(len(before))]
        variables = {name: pathlib.Path(work, f"var.{name}").read_text() for name in names}

    submit_output = next(out for c, out in zip(before, outputs) if re.search(r"-X POST", c))
    submitted = json.loads(submit_output)
    assert submitted["state"] == "pending", submitted
    environment = {**os.environ, **variables, "ID": submitted["id"]}

    deadline = time.time() + 90
    while True:
        answer = subprocess.run(["bash", "-c", "set -euo pipefail\n" + query], cwd=ROOT,
                                env=environment, capture_output=True, text=True, timeout=30)
        assert answer.returncode == 0, answer.stderr
        task = json.loads(answer.stdout)
        assert task.get("id") == submitted["id"], answer.stdout
        if task["state"] in ("completed", "failed") or time.time() > deadline:
            break
        time.sleep(0.5)
    assert task["state"] == "completed", task

    with urllib.request.urlopen(task["video"]["url"], timeout=30) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "video/mp4"
        video = response.read()
    assert video[4:8] == b"ftyp", video[:16]
    if shutil.which("ffprobe"):
        with tempfile.NamedTemporaryFile(suffix=".mp4") as file:
            file.write(video)
            file.flush()
            probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0",
                                    "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                                    file.name], capture_output=True, text=True, timeout=30)
        assert probe.stdout.strip() == "h264", probe.stderr

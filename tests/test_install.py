"""Install routes that work anywhere: no extra index in the requirements (an unreachable one stalls pip and stops
uv), the Linux CPU-only step documented in the README, and the README's commands as CI runs them."""
import re

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_requirements_name_no_extra_index():
    for name in ("requirements.txt", "requirements-dev.txt"):
        text = (ROOT / name).read_text()
        assert not re.search(r"--(extra-)?index-url|--find-links", text), name


def test_the_readme_gives_the_linux_cpu_route_with_bounded_retries_and_its_sizes():
    step = re.search(r"pip install --retries 1 --timeout 15 torch==2\.13\.0 --index-url "
                     r"https://download\.pytorch\.org/whl/cpu", README)
    assert step, "the Linux CPU-only step is missing"
    pinned = re.search(r"^torch==([\d.]+)$", (ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert pinned == "2.13.0"  # the README's step and the requirements name the same torch
    for size in ("2.7 GB", "0.19 GB", "1.4 GB", "5.8 GB"):
        assert size in README, size


def test_ci_runs_the_readmes_test_command_word_for_word():
    command = "pip install -r requirements-dev.txt && python -m pytest"
    assert f"```bash\n{command}\n```" in README
    assert (ROOT / ".ci" / "run").read_text().strip().endswith(command)


def test_the_community_cloud_steps_name_python_311_and_the_forced_settings():
    for words in ("Python 3.11", "runner.fastReruns = true", "server.enableXsrfProtection = true",
                  "client.showErrorDetails", "12 hours", "690 MB"):
        assert words in README, words

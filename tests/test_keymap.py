"""``[keymap]`` is read from the user's config only, with clear errors for what cannot be a key list."""

import pytest

from triage.errors import TriageError
from triage.keymap import user_keymap


def config(tmp_path, monkeypatch, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TRIAGE_CONFIG", str(path))
    return path


def test_no_config_means_no_remapping():
    assert user_keymap() == {}


def test_keys_are_trimmed_and_kept_in_order(tmp_path, monkeypatch):
    config(tmp_path, monkeypatch, '[keymap]\n"review.viewed" = " x , ctrl+x "\n"app.quit" = "Q"\n')
    assert user_keymap() == {"review.viewed": "x,ctrl+x", "app.quit": "Q"}


@pytest.mark.parametrize("text, says", [
    ('keymap = "x"\n', '[keymap]: expected a table of strings, got "x"'),
    ('[keymap]\n"app.quit" = ""\n', '[keymap] app.quit: expected keys such as "x"'),
    ('[keymap]\n"app.quit" = ["q"]\n', "[keymap] app.quit: expected a string, got an array"),
    ("[keymap\n", "invalid TOML"),
])
def test_what_cannot_be_a_key_list_is_a_one_line_error_naming_the_file(tmp_path, monkeypatch, text, says):
    path = config(tmp_path, monkeypatch, text)
    with pytest.raises(TriageError) as err:
        user_keymap()
    assert says in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)

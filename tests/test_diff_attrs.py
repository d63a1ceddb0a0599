"""``.gitattributes`` is read from the commit being diffed, not from the work tree."""

import pygit2

from gitrepo import RepoBuilder
from triage.diff import diff_commit, tree_hides_diff


def test_a_later_minus_diff_does_not_label_older_commits(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    b.commit({"a.py": "x = 1\n"}, "one")
    old = b.commit({"a.py": "x = 2\n"}, "two")
    new = b.commit({".gitattributes": "*.py -diff\n", "a.py": "x = 3\n"}, "hide python diffs")
    (tmp_path / "r" / ".gitattributes").write_text("*.py -diff\n")  # the work tree has it too
    repo = pygit2.Repository(str(tmp_path / "r"))
    [old_file] = diff_commit(repo, repo[old])
    assert old_file.hunks and not any("-diff" in n for n in old_file.notes)
    files = {f.path: f for f in diff_commit(repo, repo[new])}
    assert any("marked -diff by .gitattributes" in n for n in files["a.py"].notes)
    assert files["a.py"].added == 1 and not files["a.py"].is_binary


def test_patterns_by_directory_and_basename(tmp_path):
    b = RepoBuilder(tmp_path / "r")
    sha = b.commit({".gitattributes": "*.min.js binary\nsrc/gen/*.py diff=none\n*.py diff\n",
                    "web/.gitattributes": "*.js -diff\n", "web/app.js": "x\n", "src/gen/a.py": "y\n"})
    tree = b.repo[sha].tree
    assert tree_hides_diff(tree, "lib/x.min.js")
    assert tree_hides_diff(tree, "web/app.js")
    assert not tree_hides_diff(tree, "app.js")
    assert not tree_hides_diff(tree, "src/gen/a.py")  # the later `*.py diff` line wins
    assert not tree_hides_diff(None, "a.py")

"""Pydantic models of the Gitea and GitLab JSON shapes triage reads, written from their API docs.

No maintained schema package for either API is on PyPI in a form a test can
import (the generated SDKs pin old server versions), so these are written by
hand from the documentation:

* Gitea / Forgejo: the swagger definitions (``templates/swagger/v1_json.tmpl``,
  ``modules/structs/*.go``): ``User``, ``Label``, ``PullRequest``,
  ``PRBranchInfo``, ``Commit``/``RepoCommit``/``CommitUser``, ``ChangedFile``,
  ``PullReview``, ``Comment``, ``Issue``, ``CommitStatus``, ``Repository``,
  ``GitTreeResponse``. Forgejo adds ``draft`` to ``PullRequest``.
* GitLab REST v4 (docs.gitlab.com "Merge requests API", "Commits API",
  "Notes API", "Discussions API", "Merge request approvals API", "Issues API",
  "Projects API", "Repositories API").

Each model forbids fields its document does not define (``extra="forbid"``), so
the fake cannot drift into inventing fields, and requires the fields triage
reads, with their documented types.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------ Gitea / Forgejo (/api/v1)


class GiteaUser(Doc):
    id: int
    login: str
    login_name: str = ""
    full_name: str = ""
    email: str = ""
    avatar_url: str = ""
    html_url: str = ""
    language: str = ""
    is_admin: bool = False
    username: str = ""  # the same as login (kept by Gitea for compatibility)


class GiteaLabel(Doc):
    id: int
    name: str
    color: str
    description: str = ""
    url: str = ""


class GiteaPRBranchInfo(Doc):
    label: str
    ref: str
    sha: str
    repo_id: int
    repo: Optional[dict] = None


class GiteaPullRequest(Doc):
    id: int
    number: int
    user: GiteaUser
    title: str
    body: str
    labels: list[GiteaLabel]
    state: Literal["open", "closed"]
    merged: bool
    merged_at: Optional[str]
    merge_commit_sha: Optional[str]
    created_at: str
    updated_at: str
    closed_at: Optional[str]
    head: GiteaPRBranchInfo
    base: GiteaPRBranchInfo
    html_url: str
    diff_url: str
    patch_url: str
    url: str = ""
    mergeable: bool = False
    draft: Optional[bool] = None  # Forgejo; Gitea marks work in progress by a "WIP:" title prefix
    requested_reviewers: Optional[list[GiteaUser]] = None


class GiteaCommitUser(Doc):
    name: str
    email: str
    date: str


class GiteaRepoCommit(Doc):
    message: str
    author: GiteaCommitUser
    committer: GiteaCommitUser
    url: str = ""
    tree: Optional[dict] = None


class GiteaCommit(Doc):
    sha: str
    commit: GiteaRepoCommit
    author: Optional[GiteaUser]
    committer: Optional[GiteaUser]
    parents: list[dict]
    url: str = ""
    html_url: str = ""
    created: str = ""


class GiteaChangedFile(Doc):
    filename: str
    previous_filename: str = ""
    status: str
    additions: int
    deletions: int
    changes: int
    html_url: str = ""
    contents_url: str = ""
    raw_url: str = ""


class GiteaPullReview(Doc):
    id: int
    user: GiteaUser
    body: str
    state: Literal["APPROVED", "PENDING", "COMMENT", "REQUEST_CHANGES", "REQUEST_REVIEW"]
    commit_id: str
    submitted_at: str
    comments_count: int
    html_url: str = ""
    official: bool = False
    stale: bool = False


class GiteaComment(Doc):
    id: int
    body: str
    user: GiteaUser
    created_at: str
    updated_at: str
    html_url: str = ""
    issue_url: str = ""
    pull_request_url: str = ""


class GiteaIssue(Doc):
    id: int
    number: int
    title: str
    body: str
    user: GiteaUser
    state: Literal["open", "closed"]
    created_at: str
    updated_at: str
    html_url: str = ""
    pull_request: Optional[dict] = None


class GiteaCommitStatus(Doc):
    id: int
    status: Literal["pending", "success", "error", "failure", "warning"]
    target_url: str
    description: str
    context: str
    creator: GiteaUser
    created_at: str
    updated_at: str
    url: str = ""


class GiteaRepository(Doc):
    id: int
    owner: GiteaUser
    name: str
    full_name: str
    description: str = ""
    private: bool = False
    fork: bool = False
    html_url: str = ""
    clone_url: str = ""
    default_branch: str = ""
    archived: bool = False
    created_at: str = ""
    updated_at: str = ""
    permissions: Optional[dict[str, bool]] = None


class GiteaTreeEntry(Doc):
    path: str
    mode: str
    type: str
    sha: str
    size: int = 0
    url: str = ""


class GiteaTree(Doc):
    sha: str
    url: str
    tree: list[GiteaTreeEntry]
    truncated: bool
    page: int
    total_count: int


# ------------------------------------------------------------------ GitLab (/api/v4)


class GitLabUser(Doc):
    id: int
    username: str
    name: str
    state: str
    avatar_url: Optional[str] = None
    web_url: str = ""


class GitLabDiffRefs(Doc):
    base_sha: str
    head_sha: str
    start_sha: str


class GitLabMergeRequest(Doc):
    id: int
    iid: int
    project_id: int
    title: str
    description: Optional[str]
    state: Literal["opened", "closed", "locked", "merged"]
    created_at: str
    updated_at: str
    merged_at: Optional[str]
    source_branch: str
    target_branch: str
    author: GitLabUser
    labels: list[str]
    sha: str
    merge_commit_sha: Optional[str]
    squash_commit_sha: Optional[str]
    web_url: str
    draft: bool
    work_in_progress: bool  # deprecated since 14.0, still sent
    diff_refs: Optional[GitLabDiffRefs] = None
    reviewers: Optional[list[GitLabUser]] = None


class GitLabCommit(Doc):
    id: str
    short_id: str
    title: str
    message: str
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    created_at: str
    authored_date: str = ""
    committed_date: str = ""
    parent_ids: list[str] = []
    web_url: str = ""


class GitLabDiff(Doc):
    old_path: str
    new_path: str
    a_mode: str
    b_mode: str
    diff: str
    new_file: bool
    renamed_file: bool
    deleted_file: bool
    too_large: Optional[bool] = None
    collapsed: Optional[bool] = None
    generated_file: Optional[bool] = None


class GitLabNote(Doc):
    id: int
    body: str
    author: GitLabUser
    system: bool
    created_at: str
    noteable_type: str
    position: Optional[dict] = None
    updated_at: str = ""
    noteable_id: int = 0
    noteable_iid: int = 0
    resolvable: bool = False


class GitLabDiscussion(Doc):
    id: str
    individual_note: bool
    notes: list[GitLabNote]


class GitLabApprover(Doc):
    user: GitLabUser


class GitLabApprovals(Doc):
    id: int
    iid: int
    approved: bool
    approved_by: list[GitLabApprover]
    project_id: int = 0
    title: str = ""
    state: str = ""


class GitLabIssue(Doc):
    id: int
    iid: int
    title: str
    description: Optional[str]
    author: GitLabUser
    state: Literal["opened", "closed"]
    labels: list[str]
    created_at: str
    web_url: str
    updated_at: str = ""
    project_id: int = 0


class GitLabCommitStatus(Doc):
    id: int
    sha: str
    ref: Optional[str]
    status: Literal["pending", "running", "success", "failed", "canceled", "skipped"]
    name: str
    target_url: Optional[str]
    description: Optional[str]
    author: GitLabUser
    created_at: str
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    allow_failure: bool = False
    coverage: Any = None


class GitLabProject(Doc):
    id: int
    name: str
    path: str
    path_with_namespace: str
    name_with_namespace: str
    default_branch: Optional[str]
    web_url: str
    created_at: str
    last_activity_at: str
    description: Optional[str] = None


class GitLabTreeEntry(Doc):
    id: str
    name: str
    type: Literal["tree", "blob", "commit"]
    path: str
    mode: str

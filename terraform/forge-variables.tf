# Variables of delivery (commit, push, pull requests) and of jobs from GitHub (POST /forge/github).
# Defaults are those of shared/config.ts; docs/FORGES.md says how to set up the GitHub App.

variable "forge_hosts" {
  description = "FORGE_HOSTS: git hosts whose API opens pull or merge requests, each `host=kind` or `host=kind@api_base_url` (kind github or gitlab; host is the git URL's host[:port]), e.g. [\"github.example.com=github@https://github.example.com/api/v3\", \"gitlab.example.com=gitlab\"]. github.com and gitlab.com are known without it."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for h in var.forge_hosts : can(regex("^[A-Za-z0-9.-]+(:[0-9]+)?=(github|gitlab)(@https?://[^\\s,]+)?$", h))])
    error_message = "each forge_hosts entry is host=kind or host=kind@api_base_url, with kind github or gitlab (no commas or spaces)."
  }
}

variable "git_author" {
  description = "GIT_AUTHOR: author and committer of the commits a job's delivery makes, `Name <email>`."
  type        = string
  default     = "codex-jobs <codex-jobs@localhost>"

  validation {
    condition     = can(regex("^[^<>\\n]+<[^<>\\s]+@[^<>\\s]+>$", trimspace(var.git_author)))
    error_message = "git_author must be `Name <email>`."
  }
}

variable "github_repos" {
  description = "GITHUB_REPOS: which repositories may make jobs from GitHub events, and the API key name that owns them (its quotas apply), each `owner/repo=keyname` or `owner/*=keyname`. Empty: /forge/github makes no job."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.github_repos : can(regex("^[A-Za-z0-9_.-]+/([A-Za-z0-9_.-]+|\\*)=[^\\s,=]+$", r))])
    error_message = "each github_repos entry is owner/repo=keyname or owner/*=keyname (no commas or spaces)."
  }
}

variable "trigger_phrase" {
  description = "TRIGGER_PHRASE: a comment that starts with it (by an owner, member or collaborator) makes a job."
  type        = string
  default     = "@codex-jobs"

  validation {
    condition     = length(trimspace(var.trigger_phrase)) > 0
    error_message = "trigger_phrase must not be empty."
  }
}

variable "trigger_label" {
  description = "TRIGGER_LABEL: labelling an issue with it makes a job."
  type        = string
  default     = "codex-jobs"

  validation {
    condition     = length(trimspace(var.trigger_label)) > 0
    error_message = "trigger_label must not be empty."
  }
}

variable "github_app_id" {
  description = "GITHUB_APP_ID: the GitHub App's id (digits). With github_app_private_key_secret, pushes, pull requests and reply comments on GitHub use the App's installation tokens; empty: GIT_CREDENTIALS' token for the host."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[0-9]{0,20}$", var.github_app_id)) && (var.github_app_id == "") == (var.github_app_private_key_secret == null)
    error_message = "github_app_id must be the App's numeric id, given together with github_app_private_key_secret (a GitHub App needs both), or empty without it."
  }
}

variable "github_webhook_secret_secret" {
  description = "Secret Manager secret (id) holding GITHUB_WEBHOOK_SECRET, the GitHub App's webhook secret (X-Hub-Signature-256). null (the default) wires none: POST /forge/github refuses every delivery."
  type        = string
  default     = null

  validation {
    condition     = var.github_webhook_secret_secret == null || can(regex("^[A-Za-z0-9_-]{1,255}$", var.github_webhook_secret_secret))
    error_message = "github_webhook_secret_secret must be a Secret Manager secret id (letters, digits, - and _, at most 255) or null."
  }
}

variable "github_app_private_key_secret" {
  description = "Secret Manager secret (id) holding GITHUB_APP_PRIVATE_KEY, the GitHub App's private key (PEM). null (the default) wires none: GIT_CREDENTIALS' token for the host is used instead."
  type        = string
  default     = null

  validation {
    condition     = var.github_app_private_key_secret == null || can(regex("^[A-Za-z0-9_-]{1,255}$", var.github_app_private_key_secret))
    error_message = "github_app_private_key_secret must be a Secret Manager secret id (letters, digits, - and _, at most 255) or null."
  }
}

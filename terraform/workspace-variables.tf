# Variables of job workspaces (inputs, git) and outputs. Defaults are those of shared/config.ts.

variable "workspace_max_bytes" {
  description = "WORKSPACE_MAX_BYTES: bytes an unpacked workspace input (upload, dropped archive) may write."
  type        = number
  default     = 268435456

  validation {
    condition     = var.workspace_max_bytes >= 1 && var.workspace_max_bytes <= 68719476736 && floor(var.workspace_max_bytes) == var.workspace_max_bytes
    error_message = "workspace_max_bytes must be a whole number between 1 and 68719476736 (64 GiB)."
  }
}

variable "workspace_max_files" {
  description = "WORKSPACE_MAX_FILES: entries an unpacked workspace input may have."
  type        = number
  default     = 20000

  validation {
    condition     = var.workspace_max_files >= 1 && var.workspace_max_files <= 10000000 && floor(var.workspace_max_files) == var.workspace_max_files
    error_message = "workspace_max_files must be a whole number between 1 and 10000000."
  }
}

variable "git_allowlist" {
  description = "GIT_ALLOWLIST: hosts, addresses or CIDRs a git workspace URL may reach despite the address rules (e.g. a private Git server)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for h in var.git_allowlist : can(regex("^[^\\s,]+$", h))])
    error_message = "each git_allowlist entry is one host, address or CIDR (no commas or spaces)."
  }
}

variable "allow_insecure_git" {
  description = "ALLOW_INSECURE_GIT: allow http:// git workspace URLs (https only when false)."
  type        = bool
  default     = false
}

variable "output_max_files" {
  description = "OUTPUT_MAX_FILES: output files uploaded per job; past it the job completes with its outputs flagged truncated."
  type        = number
  default     = 2000

  validation {
    condition     = var.output_max_files >= 1 && var.output_max_files <= 1000000 && floor(var.output_max_files) == var.output_max_files
    error_message = "output_max_files must be a whole number between 1 and 1000000."
  }
}

variable "output_max_bytes" {
  description = "OUTPUT_MAX_BYTES: output bytes uploaded per job; past it the job completes with its outputs flagged truncated."
  type        = number
  default     = 1073741824

  validation {
    condition     = var.output_max_bytes >= 1 && var.output_max_bytes <= 1125899906842624 && floor(var.output_max_bytes) == var.output_max_bytes
    error_message = "output_max_bytes must be a whole number between 1 and 1125899906842624 (2^50)."
  }
}

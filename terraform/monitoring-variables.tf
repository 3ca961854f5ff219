# Thresholds of the alert policies (alerts.tf) and where they notify. docs/OBSERVABILITY.md explains
# each default.

variable "alert_notification_channels" {
  description = "Notification channels (projects/PROJECT/notificationChannels/ID) every codex-jobs alert policy notifies. Empty: the incidents show in Cloud Monitoring only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.alert_notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", c))])
    error_message = "alert_notification_channels entries must be notification channel names: projects/PROJECT/notificationChannels/ID."
  }
}

variable "alert_oldest_unacked_age_seconds" {
  description = "Per lane, the age in seconds of its oldest unacked job message above which (for 5 minutes) the lane is alerted on as stuck or short of capacity. A running job's message stays unacked while it runs (a push request up to job_timeout_seconds; a long-lane job up to long_job_timeout_seconds), and a waiting one is redelivered with up to 600 s backoff, so a threshold must exceed both. Defaults: normal 1800, priority 1200, long = long_job_timeout_seconds + 3600."
  type = object({
    normal   = optional(number, 1800)
    priority = optional(number, 1200)
    long     = optional(number)
  })
  default = {}

  validation {
    condition     = alltrue([for v in values(var.alert_oldest_unacked_age_seconds) : v == null || try(v >= 60 && v <= 604800, false)])
    error_message = "alert_oldest_unacked_age_seconds values must be between 60 and 604800 seconds (the subscriptions keep messages 7 days)."
  }
}

variable "alert_dead_letter_messages" {
  description = "Messages dead-lettered by any subscription within 5 minutes above which an alert opens (pubsub.googleapis.com/subscription/dead_letter_message_count). 0: any dead letter alerts."
  type        = number
  default     = 0

  validation {
    condition     = var.alert_dead_letter_messages >= 0 && floor(var.alert_dead_letter_messages) == var.alert_dead_letter_messages
    error_message = "alert_dead_letter_messages must be a whole number, 0 or more."
  }
}

variable "alert_failure_ratio" {
  description = "Failed jobs / finished jobs (log-based metric codex_jobs/finished_jobs) over alert_failure_ratio_window_seconds above which an alert opens; between 0 and 1."
  type        = number
  default     = 0.25

  validation {
    condition     = var.alert_failure_ratio > 0 && var.alert_failure_ratio <= 1
    error_message = "alert_failure_ratio must be above 0 and at most 1 (a ratio of failed to finished jobs)."
  }
}

variable "alert_failure_ratio_window_seconds" {
  description = "The window over which the failure ratio is computed (Monitoring alignment period): long enough that one failed job of a quiet hour does not alert by itself."
  type        = number
  default     = 3600

  validation {
    condition     = var.alert_failure_ratio_window_seconds >= 300 && var.alert_failure_ratio_window_seconds <= 82800 && var.alert_failure_ratio_window_seconds % 60 == 0
    error_message = "alert_failure_ratio_window_seconds must be whole minutes between 300 and 82800 (23 h: alerting windows stay under a day)."
  }
}

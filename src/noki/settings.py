"""Settings from the environment (NOKI_*), validated on load: the only place noki reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from noki.llm.settings import LLMSettings
from noki.paths import shipped

PLACEHOLDER_SECRETS = {"changethis", "change-me", "dev-secret", "secret"}
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Everything the console, the sender and the CLI read from the environment."""

    model_config = SettingsConfigDict(env_prefix="NOKI_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    database_url: str = "sqlite:///var/noki.db"
    # Empty: a random secret is generated on first run and kept in secret_file (mode 0600).
    session_secret: str = ""
    secret_file: Path = Path("var/session_secret")
    session_https_only: bool = False
    session_max_age_seconds: int = Field(default=12 * 3600, ge=60)
    # Login throttling (moving windows, `limits` syntax); storage "memory://" or a limits URI.
    login_limit_per_user: str = "5/15 minutes"
    login_limit_per_client: str = "30/minute"
    login_limit_storage: str = "memory://"
    # Web hosts the company's notices may link to (comma-separated; subdomains included).
    company_domains: str = "noki.example"
    # Request bounds: body bytes, orders per POST, page size of every list.
    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    max_batch_orders: int = Field(default=1000, ge=1)
    auto_send: bool = False

    mail_transport: Literal["file", "smtp"] = "file"
    sms_transport: Literal["file", "http"] = "file"
    outbox_dir: Path = Path("var/outbox")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_timeout: float = 10.0
    mail_from: str = "noki <noreply@example.jp>"
    # Sending identity per industry (company): sender name, From address and Reply-To, e.g.
    # NOKI_MAIL_IDENTITIES='{"ec": {"name": "のきストア", "address": "noreply@store.example.jp"}}'.
    # Reply-To defaults to NOKI_MAIL_REPLY_TO, else the first inbound address, so replies land
    # in `noki inbound`. Message-IDs are make_msgid() at NOKI_MAIL_MESSAGE_ID_DOMAIN (default:
    # the From address's domain).
    mail_identities: dict[str, dict[str, str | None]] = Field(default_factory=lambda: {  # type: ignore[arg-type]
        "ec": {"name": "のきストア", "address": "noreply@noki-store.example.jp"},
        "btob": {"name": "のき商事 法人営業部", "address": "noreply@noki-shoji.example.jp"},
        "auto": {"name": "のきモータース", "address": "noreply@noki-motors.example.jp"},
    })
    mail_reply_to: str | None = None
    mail_message_id_domain: str = ""
    sms_gateway_url: str | None = None
    sms_gateway_token: str | None = None
    sms_timeout: float = 10.0
    # Inbound inquiries: where customers' replies arrive (the notices' Reply-To) and the listener.
    inbound_addresses: list[str] = []  # NOKI_INBOUND_ADDRESSES='["support@reply.example.jp"]'
    inbound_domains: list[str] = []  # accept any address at these domains
    inbound_host: str = "127.0.0.1"
    inbound_port: int = 2525
    inbound_spool_dir: Path = Path("var/inbound")
    inbound_max_bytes: int = 50 * 1024 * 1024  # refused at SMTP above this
    inbound_max_attachment_bytes: int = 10 * 1024 * 1024  # kept but held as too_large
    # The first-response target for an inquiry (the SLA clock on the queue and inquiries page).
    inquiry_first_response_minutes: int = Field(default=240, ge=1)

    outbox_max_attempts: int = 5
    outbox_backoff_seconds: float = 30.0
    outbox_backoff_max_seconds: float = 3600.0
    outbox_lease_seconds: float = 120.0
    outbox_batch_size: int = 20
    sender_interval_seconds: float = 5.0
    tick_interval_seconds: float = 60.0
    background_workers: bool = True
    eta_event_max_orders: int = 100  # an ETA event over more open orders needs confirm_scope
    draft_inline: bool = True  # template drafts made right after ingest (no worker needed)
    draft_workers: int = Field(default=1, ge=0, le=64)  # draft worker threads in the console
    draft_batch_size: int = Field(default=200, ge=1, le=5000)
    draft_lease_seconds: float = Field(default=300.0, gt=0)
    draft_interval_seconds: float = Field(default=1.0, gt=0)

    # Data files: the copies shipped in the package unless a folder of your own is configured.
    rules_dir: Path = Field(default_factory=lambda: shipped("rules"))
    # Sales control (issue 16) is its own rule set: SKU facts in, a recommendation out.
    sales_control_rules_dir: Path = Field(default_factory=lambda: shipped("rules",
                                                                          "sales_control"))
    templates_dir: Path = Field(default_factory=lambda: shipped("templates", "notice"))
    prompts_dir: Path = Field(default_factory=lambda: shipped("prompts"))
    faq_path: Path = Field(default_factory=lambda: shipped("data", "faq.yaml"))
    voc_dir: Path = Path("var/voc")

    llm: LLMSettings = Field(default_factory=LLMSettings)
    # Notices (drafting): SMS segment limit, replies, the self-service link, delivery lead days.
    notice_sms_max_segments: int = Field(default=1, ge=1, le=10)
    notice_replies_handled: bool = False
    notice_self_service_url: str = "http://127.0.0.1:8000/b/{token}"
    # Self-service page /b/{token}: signing secret (empty: the session secret), link validity,
    # choices allowed per token and per client address (`limits` syntax).
    self_service_secret: str = ""
    self_service_valid_days: int = Field(default=60, ge=1, le=366)
    self_service_limit_per_token: str = "10/hour"
    self_service_limit_per_client: str = "60/hour"
    # Signed webhooks (noki send delivers them): target URL per topic prefix, HMAC secret.
    webhook_oms_url: str | None = None  # topics oms.*
    webhook_storefront_url: str | None = None  # topics storefront.*
    webhook_secret: str = ""
    webhook_timeout: float = 10.0
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_seconds: float = Field(default=30.0, ge=0)
    webhook_backoff_max_seconds: float = Field(default=3600.0, ge=0)
    # Follow-ups (noki tick) to one customer per 7 days, unless something changed (issue 11).
    notice_max_per_customer_week: int = Field(default=2, ge=1, le=50)
    notice_lead_days_ec: int = Field(default=2, ge=0)
    notice_lead_days_btob: int = Field(default=1, ge=0)
    notice_lead_days_vehicle: int = Field(default=7, ge=0)
    notice_lead_days_parts: int = Field(default=1, ge=0)
    # The console's SLA timer: hours from a notice entering the queue to its first sending.
    queue_sla_hours: float = Field(default=24.0, gt=0)

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        secret = self.session_secret
        if secret and (secret in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH):
            raise ValueError(
                f"NOKI_SESSION_SECRET must be a random value of at least {MIN_SECRET_LENGTH} "
                "characters (python -c 'import secrets; print(secrets.token_urlsafe(32))'), "
                "or unset to generate one in NOKI_SECRET_FILE"
            )
        if (self.webhook_oms_url or self.webhook_storefront_url) and (
            len(self.webhook_secret) < MIN_SECRET_LENGTH
        ):
            raise ValueError(
                f"NOKI_WEBHOOK_SECRET (at least {MIN_SECRET_LENGTH} characters, shared with the "
                "receiving system) is required when a NOKI_WEBHOOK_*_URL is set"
            )
        if self.sms_transport == "http" and not self.sms_gateway_url:
            raise ValueError("NOKI_SMS_GATEWAY_URL is required when NOKI_SMS_TRANSPORT=http")
        return self


    def webhook_url(self, topic: str) -> str | None:
        """The URL that receives a topic (by its prefix, oms.* / storefront.*), None if unset."""
        prefix = topic.split(".", 1)[0]
        return {"oms": self.webhook_oms_url, "storefront": self.webhook_storefront_url}.get(prefix)

    @property
    def reply_address(self) -> str | None:
        """Where customers' replies go: the configured Reply-To, else the first inbound address."""
        return self.mail_reply_to or (self.inbound_addresses[0] if self.inbound_addresses else None)

    @property
    def company_domain_list(self) -> tuple[str, ...]:
        """The configured company web domains, lower-case, with the self-service link's host."""
        domains = [d.strip().lower() for d in self.company_domains.split(",") if d.strip()]
        # The link noki itself puts into every notice is the company's by definition.
        host = urlsplit(self.notice_self_service_url.replace("{token}", "t")).hostname
        if host and host.lower() not in domains:
            domains.append(host.lower())
        return tuple(domains)

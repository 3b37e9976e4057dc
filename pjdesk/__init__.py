"""pjdesk — 平江县安全生产台账桌面端."""

# The one version number of a release: the package metadata, the 关于 dialog, `pjdesk --version`, the
# installers and the exchange files read it here. Give each release its section in CHANGELOG.md.
__version__ = "0.1.0"

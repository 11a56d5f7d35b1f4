"""The presenter's kit, shared by the Presenter page and the screening pack: the audience QR code, the
state two windows of one show share, and what the slides show besides the tour (credits, the chart)."""

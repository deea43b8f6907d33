"""Channels: how a message leaves selfhelp — email (SMTP or files) and SMS (file/console backend).

They know nothing of notifications or domains: they render a template set and hand a message to
a transport. The in-app channel needs no transport: the notification centre reads the outbox
itself (selfhelp/notifications/centre.py). Delivery (selfhelp/notifications/delivery.py) picks
the channel for each message.
"""

"""Every write to the catalogue and to events, one module per flow.

catalogue (loading it), intake (filing a new event from staff, hotline and
systems), residents (a resident's report and their word on it), loop
(event_apply, the one writer of an event's status, and its command effects)
with dispatch, extensions and supervision (the effects of those commands),
clocks (the stage deadlines every step moves), attachments (photos) and
relocation (moving events filed outside every grid). Callers import from the
module of the flow.
"""

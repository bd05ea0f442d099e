"""Every write to the catalogue and to events, one module per flow.

catalogue (loading it), intake (filing a new event from staff, hotline and
systems), residents (a resident's report and their word on it), loop
(event_apply, the one writer of an event's status) with the effects of its
commands in dispatch (targets, default department, the effect), extensions
and supervision (merging, escalating: the command's and the overdue
sweeper's, supervising), clocks (the stage deadlines every step moves),
attachments (photos) and relocation (moving events filed outside every
grid). Callers import from the module of the flow.
"""

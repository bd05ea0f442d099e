"""The event closed loop (事件闭环): catalogue, intake, workflow, time limits."""

"""The rules of group courses that write, one module per rule: cohorts (planning, publishing,
moving and cancelling), admission (applications, seats and the waiting list), roster (attendance
and notes). Callers import the module they need."""

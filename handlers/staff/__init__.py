"""handlers.staff.tickets."""

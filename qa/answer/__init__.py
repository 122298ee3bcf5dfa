"""Answer: choose the sentences that answer, lead with the short answer, cite every quote."""

"""Daily reminder delivery: the dispatcher's loop (dispatcher), one DM from claim to outcome
(delivery), the DM's HTTP request (sender), what can go wrong (errors), request pacing (pacer)."""

"""Daily reminder delivery: the dispatcher loop and the pacer that keeps it under the limit."""

//! England and Wales working-day calendar (to be written).

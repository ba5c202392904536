//! A case's events in plain English, for the case page's timeline (to be written).

//! The vocabulary of the field as types: parse at the edge, valid ever after.

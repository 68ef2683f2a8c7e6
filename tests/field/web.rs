//! The field evidence through real HTTP.

//! A town: the unit an instance serves.

#[derive(Clone, Debug, PartialEq)]
pub struct Town {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// IANA time zone name, e.g. `Europe/Brussels`.
    pub timezone: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewTown {
    pub slug: String,
    pub name: String,
    pub timezone: String,
}

//! R-4 选民登记: registration one by one and in bulk (`write`), the voting mode's household and
//! representative voters (`mode`), publication and decisions on objections (`publish`), reads
//! (`read`), pages and API (`web`), the list and the 选民证 (`docs`).

pub(crate) mod docs;
pub(crate) mod mode;
pub(crate) mod publish;
pub(crate) mod read;
pub(crate) mod web;
pub(crate) mod write;

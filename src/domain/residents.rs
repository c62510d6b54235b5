//! The residents' pipeline's rules (SPEC §4 C-2, §6 R-1 … R-8), pure.

pub mod calls;
pub mod run;
pub mod values;

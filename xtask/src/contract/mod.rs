pub mod calls;
mod refs;
pub mod run;
pub mod served;
pub mod values;

pub mod calls;
pub mod run;
pub mod served;
pub mod values;

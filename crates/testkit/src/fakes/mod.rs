//! Local fakes of external HTTP services, served by wiremock on a loopback port.

pub mod google;
pub mod resend;

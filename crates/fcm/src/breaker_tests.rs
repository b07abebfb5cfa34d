use super::*;

const COOLDOWN: Duration = Duration::from_secs(30);

fn breaker(threshold: u32) -> (CircuitBreaker, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let config = BreakerConfig {
        failure_threshold: threshold,
        cooldown: COOLDOWN,
    };
    (CircuitBreaker::with_clock(config, clock.clone()), clock)
}

fn call(breaker: &CircuitBreaker, outcome: Outcome) {
    breaker
        .try_acquire()
        .expect("call admitted")
        .finish(outcome);
}

#[test]
fn stays_closed_below_the_threshold_and_successes_reset_the_count() {
    let (breaker, _) = breaker(3);
    call(&breaker, Outcome::Failure);
    call(&breaker, Outcome::Failure);
    assert_eq!(breaker.state(), BreakerState::Closed { failures: 2 });
    call(&breaker, Outcome::Success);
    call(&breaker, Outcome::Failure);
    call(&breaker, Outcome::Failure);
    assert_eq!(breaker.state(), BreakerState::Closed { failures: 2 });
}

#[test]
fn neutral_outcomes_neither_count_nor_reset() {
    let (breaker, _) = breaker(2);
    call(&breaker, Outcome::Failure);
    call(&breaker, Outcome::Neutral);
    assert_eq!(breaker.state(), BreakerState::Closed { failures: 1 });
    call(&breaker, Outcome::Failure);
    assert!(matches!(breaker.state(), BreakerState::Open { .. }));
}

#[test]
fn opens_at_the_threshold_and_refuses_calls_with_the_remaining_cooldown() {
    let (breaker, clock) = breaker(3);
    for _ in 0..3 {
        call(&breaker, Outcome::Failure);
    }
    assert!(matches!(breaker.state(), BreakerState::Open { .. }));
    assert_eq!(breaker.try_acquire().unwrap_err(), COOLDOWN);
    clock.advance(Duration::from_secs(10));
    assert_eq!(breaker.try_acquire().unwrap_err(), Duration::from_secs(20));
}

#[test]
fn after_the_cooldown_one_probe_passes_and_its_success_closes_the_circuit() {
    let (breaker, clock) = breaker(1);
    call(&breaker, Outcome::Failure);
    clock.advance(COOLDOWN);
    assert_eq!(breaker.state(), BreakerState::HalfOpen { probing: false });
    let probe = breaker.try_acquire().expect("the probe passes");
    assert_eq!(breaker.state(), BreakerState::HalfOpen { probing: true });
    assert!(breaker.try_acquire().is_err(), "only one probe at a time");
    probe.finish(Outcome::Success);
    assert_eq!(breaker.state(), BreakerState::Closed { failures: 0 });
    call(&breaker, Outcome::Success);
}

#[test]
fn a_failed_probe_opens_the_circuit_for_another_cooldown() {
    let (breaker, clock) = breaker(1);
    call(&breaker, Outcome::Failure);
    clock.advance(COOLDOWN);
    call(&breaker, Outcome::Failure);
    assert_eq!(breaker.try_acquire().unwrap_err(), COOLDOWN);
    clock.advance(COOLDOWN);
    assert_eq!(breaker.state(), BreakerState::HalfOpen { probing: false });
}

#[test]
fn an_abandoned_probe_frees_the_slot_for_the_next_one() {
    let (breaker, clock) = breaker(1);
    call(&breaker, Outcome::Failure);
    clock.advance(COOLDOWN);
    drop(breaker.try_acquire().expect("probe"));
    assert_eq!(breaker.state(), BreakerState::HalfOpen { probing: false });
    let probe = breaker.try_acquire().expect("a new probe");
    probe.finish(Outcome::Neutral);
    assert_eq!(breaker.state(), BreakerState::HalfOpen { probing: false });
}

#[test]
fn late_results_of_calls_admitted_before_opening_change_nothing() {
    let (breaker, clock) = breaker(1);
    let late_success = breaker.try_acquire().expect("admitted");
    let late_failure = breaker.try_acquire().expect("admitted");
    call(&breaker, Outcome::Failure);
    let open = breaker.state();
    late_success.finish(Outcome::Success);
    late_failure.finish(Outcome::Failure);
    assert_eq!(breaker.state(), open);
    clock.advance(COOLDOWN);
    let probe = breaker.try_acquire().expect("probe");
    let stray = breaker.state();
    assert_eq!(stray, BreakerState::HalfOpen { probing: true });
    probe.finish(Outcome::Success);
    assert_eq!(breaker.state(), BreakerState::Closed { failures: 0 });
}

#[test]
fn a_zero_threshold_behaves_like_one() {
    let (breaker, _) = breaker(0);
    call(&breaker, Outcome::Failure);
    assert!(matches!(breaker.state(), BreakerState::Open { .. }));
}

use chrono::{Datelike, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;

fn d(s: &str) -> NaiveDate {
    UserDate::parse(s).unwrap().date()
}

fn range(date: &str, cadence: Cadence) -> (String, String) {
    let p = Period::containing(d(date), cadence);
    (p.start().to_string(), p.end().to_string())
}

fn r(start: &str, end: &str) -> (String, String) {
    (start.to_owned(), end.to_owned())
}

#[test]
fn contract_examples() {
    assert_eq!(
        range("2026-01-16", Cadence::Weekly),
        r("2026-01-12", "2026-01-18")
    );
    assert_eq!(
        range("2026-01-16", Cadence::Monthly),
        r("2026-01-01", "2026-01-31")
    );
    assert_eq!(
        range("2026-01-16", Cadence::Yearly),
        r("2026-01-01", "2026-12-31")
    );
    assert_eq!(
        range("2026-01-16", Cadence::Daily),
        r("2026-01-16", "2026-01-16")
    );
    assert_eq!(
        range("2026-01-18", Cadence::Weekly),
        r("2026-01-12", "2026-01-18")
    );
    assert_eq!(
        range("2026-01-19", Cadence::Weekly),
        r("2026-01-19", "2026-01-25")
    );
}

#[test]
fn weekly_across_iso_year_boundary() {
    assert_eq!(
        range("2026-12-31", Cadence::Weekly),
        r("2026-12-28", "2027-01-03")
    );
    assert_eq!(
        range("2027-01-03", Cadence::Weekly),
        r("2026-12-28", "2027-01-03")
    );
    assert_eq!(
        range("2027-01-04", Cadence::Weekly),
        r("2027-01-04", "2027-01-10")
    );
    assert_eq!(
        range("2026-12-28", Cadence::Weekly),
        r("2026-12-28", "2027-01-03")
    );
}

#[test]
fn month_ends() {
    assert_eq!(
        range("2026-01-31", Cadence::Monthly),
        r("2026-01-01", "2026-01-31")
    );
    assert_eq!(
        range("2026-04-30", Cadence::Monthly),
        r("2026-04-01", "2026-04-30")
    );
    assert_eq!(
        range("2026-04-01", Cadence::Monthly),
        r("2026-04-01", "2026-04-30")
    );
    assert_eq!(
        range("2027-02-28", Cadence::Monthly),
        r("2027-02-01", "2027-02-28")
    );
    assert_eq!(
        range("2027-02-10", Cadence::Monthly),
        r("2027-02-01", "2027-02-28")
    );
    assert_eq!(
        range("2026-12-15", Cadence::Monthly),
        r("2026-12-01", "2026-12-31")
    );
}

#[test]
fn leap_day() {
    assert_eq!(
        range("2028-02-29", Cadence::Monthly),
        r("2028-02-01", "2028-02-29")
    );
    assert_eq!(
        range("2028-02-03", Cadence::Monthly),
        r("2028-02-01", "2028-02-29")
    );
    assert_eq!(
        range("2028-02-29", Cadence::Yearly),
        r("2028-01-01", "2028-12-31")
    );
    assert_eq!(
        range("2028-02-29", Cadence::Daily),
        r("2028-02-29", "2028-02-29")
    );
    assert_eq!(
        range("2028-02-29", Cadence::Weekly),
        r("2028-02-28", "2028-03-05")
    );
    assert_eq!(
        Period::containing(d("2028-06-01"), Cadence::Yearly).len_days(),
        366
    );
    assert_eq!(
        Period::containing(d("2027-06-01"), Cadence::Yearly).len_days(),
        365
    );
    assert_eq!(
        range("2100-02-10", Cadence::Monthly),
        r("2100-02-01", "2100-02-28")
    );
    assert_eq!(
        range("2000-02-10", Cadence::Monthly),
        r("2000-02-01", "2000-02-29")
    );
}

#[test]
fn contains_is_inclusive() {
    let p = Period::containing(d("2026-01-16"), Cadence::Weekly);
    assert!(p.contains(d("2026-01-12")));
    assert!(p.contains(d("2026-01-18")));
    assert!(!p.contains(d("2026-01-11")));
    assert!(!p.contains(d("2026-01-19")));
}

#[test]
fn labels() {
    let p = Period::containing(d("2026-01-16"), Cadence::Weekly);
    assert_eq!(p.start_label(), "2026-01-12T00:00:00Z");
    assert_eq!(p.end_label(), "2026-01-18T23:59:59Z");
}

#[test]
fn explicit_ranges() {
    let p = Period::new(d("2026-01-01"), d("2026-01-01")).unwrap();
    assert_eq!(p.len_days(), 1);
    assert_eq!(
        Period::new(d("2026-01-02"), d("2026-01-01")),
        Err(PeriodError::EndBeforeStart)
    );
}

#[test]
fn extreme_dates_do_not_panic() {
    for date in [NaiveDate::MIN, NaiveDate::MAX] {
        for cadence in Cadence::ALL {
            let p = Period::containing(date, *cadence);
            assert!(p.start() <= p.end());
            assert!(p.contains(date));
        }
    }
}

#[test]
fn user_date_format() {
    assert_eq!(
        d("2026-01-16"),
        NaiveDate::from_ymd_opt(2026, 1, 16).unwrap()
    );
    assert_eq!(
        UserDate::parse("2026-01-16").unwrap().to_string(),
        "2026-01-16"
    );
    for bad in [
        "",
        "2026-1-16",
        "2026-01-6",
        "26-01-16",
        "2026/01/16",
        "2026-01-16T00:00:00Z",
        " 2026-01-16",
        "2026-01-16 ",
        "+2026-01-16",
        "2026-0a-16",
        "２０２６-01-16",
        "20260-01-16",
    ] {
        assert_eq!(
            UserDate::parse(bad),
            Err(DateError::InvalidFormat),
            "{bad:?}"
        );
    }
    for unreal in [
        "2026-02-29",
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "2026-04-31",
        "2026-01-00",
    ] {
        assert_eq!(
            UserDate::parse(unreal),
            Err(DateError::NotARealDate),
            "{unreal}"
        );
    }
    assert!(UserDate::parse("2028-02-29").is_ok());
}

#[test]
fn today_depends_on_the_zone() {
    // 2026-01-16 11:00 UTC: already the 17th in Kiritimati (UTC+14), still the 16th in
    // Pago Pago (UTC−11, 00:00).
    let now = Utc.with_ymd_and_hms(2026, 1, 16, 11, 0, 0).unwrap();
    let kiritimati = Timezone::parse("Pacific/Kiritimati").unwrap();
    let pago_pago = Timezone::parse("Pacific/Pago_Pago").unwrap();
    assert_eq!(kiritimati.today(now), d("2026-01-17"));
    assert_eq!(pago_pago.today(now), d("2026-01-16"));
    assert_eq!(today_in(Tz::UTC, now), d("2026-01-16"));
    // 10:59 UTC: Pago Pago is still on the 15th.
    let earlier = Utc.with_ymd_and_hms(2026, 1, 16, 10, 59, 0).unwrap();
    assert_eq!(today_in(pago_pago.tz(), earlier), d("2026-01-15"));
    assert_eq!(today_in(kiritimati.tz(), earlier), d("2026-01-17"));
}

#[test]
fn new_york_late_night_counts_for_friday() {
    // 23:30 Friday in New York is 04:30 Saturday UTC.
    let now = Utc.with_ymd_and_hms(2026, 1, 17, 4, 30, 0).unwrap();
    let ny = Timezone::parse("America/New_York").unwrap();
    assert_eq!(ny.today(now), d("2026-01-16"));
    assert_eq!(check_not_future(d("2026-01-16"), ny.tz(), now), Ok(()));
    assert_eq!(
        check_not_future(d("2026-01-17"), ny.tz(), now),
        Err(FutureDateError)
    );
}

#[test]
fn future_dates() {
    let now = Utc.with_ymd_and_hms(2026, 1, 16, 11, 0, 0).unwrap();
    let kiritimati: Tz = "Pacific/Kiritimati".parse().unwrap();
    let pago_pago: Tz = "Pacific/Pago_Pago".parse().unwrap();
    assert_eq!(check_not_future(d("2026-01-17"), kiritimati, now), Ok(()));
    assert_eq!(
        check_not_future(d("2026-01-17"), pago_pago, now),
        Err(FutureDateError)
    );
    assert_eq!(check_not_future(d("2026-01-16"), pago_pago, now), Ok(()));
    assert_eq!(check_not_future(d("2020-01-01"), pago_pago, now), Ok(()));
    assert_eq!(
        check_not_future(d("2026-01-18"), kiritimati, now),
        Err(FutureDateError)
    );
}

#[test]
fn timezone_names() {
    let tz = Timezone::parse("Europe/Paris").unwrap();
    assert_eq!(tz.as_str(), "Europe/Paris");
    assert_eq!(tz.to_string(), "Europe/Paris");
    assert_eq!(Timezone::parse("UTC").unwrap().tz(), Tz::UTC);
    assert_eq!(Timezone::utc().as_str(), "UTC");
    assert_eq!(Timezone::parse(""), Err(TimezoneError::Empty));
    assert_eq!(
        Timezone::parse("Mars/Olympus_Mons"),
        Err(TimezoneError::Unknown)
    );
    assert_eq!(Timezone::parse("europe/paris"), Err(TimezoneError::Unknown));
    assert_eq!(
        Timezone::parse(" Europe/Paris"),
        Err(TimezoneError::Unknown)
    );
    assert_eq!(
        Timezone::parse(&"A".repeat(51)),
        Err(TimezoneError::TooLong)
    );
    assert_eq!(
        Timezone::parse(&"A".repeat(50)),
        Err(TimezoneError::Unknown)
    );
    assert!(Timezone::parse("America/Argentina/ComodRivadavia").is_ok());
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 1900-01-01 ..= 2199-12-31, as days from the common era.
    (693_596i32..=803_168).prop_filter_map("valid date", NaiveDate::from_num_days_from_ce_opt)
}

fn any_cadence() -> impl Strategy<Value = Cadence> {
    prop::sample::select(Cadence::ALL)
}

proptest! {
    #[test]
    fn every_date_lies_in_its_period(date in any_date(), cadence in any_cadence()) {
        let p = Period::containing(date, cadence);
        prop_assert!(p.contains(date));
        prop_assert!(p.start() <= p.end());
        prop_assert_eq!(Period::containing(p.start(), cadence), p);
        prop_assert_eq!(Period::containing(p.end(), cadence), p);
    }

    #[test]
    fn period_shapes(date in any_date()) {
        let daily = Period::containing(date, Cadence::Daily);
        prop_assert_eq!(daily.len_days(), 1);

        let weekly = Period::containing(date, Cadence::Weekly);
        prop_assert_eq!(weekly.start().weekday(), Weekday::Mon);
        prop_assert_eq!(weekly.end().weekday(), Weekday::Sun);
        prop_assert_eq!(weekly.len_days(), 7);
        prop_assert_eq!(weekly.start().iso_week(), date.iso_week());

        let monthly = Period::containing(date, Cadence::Monthly);
        prop_assert_eq!(monthly.start().day(), 1);
        prop_assert_eq!((monthly.start().year(), monthly.start().month()), (date.year(), date.month()));
        prop_assert_eq!((monthly.end().year(), monthly.end().month()), (date.year(), date.month()));
        prop_assert_eq!(monthly.end().succ_opt().map(|n| n.day()), Some(1));
        prop_assert!((28..=31).contains(&monthly.len_days()));

        let yearly = Period::containing(date, Cadence::Yearly);
        prop_assert_eq!((yearly.start().month(), yearly.start().day()), (1, 1));
        prop_assert_eq!((yearly.end().month(), yearly.end().day()), (12, 31));
        prop_assert_eq!(yearly.start().year(), date.year());
    }

    #[test]
    fn consecutive_periods_tile(date in any_date(), cadence in any_cadence()) {
        let p = Period::containing(date, cadence);
        let next_day = p.end().succ_opt().unwrap();
        let next = Period::containing(next_day, cadence);
        prop_assert_eq!(next.start(), next_day);
        prop_assert!(!p.contains(next_day));
        let prev_day = p.start().pred_opt().unwrap();
        let prev = Period::containing(prev_day, cadence);
        prop_assert_eq!(prev.end(), prev_day);
        prop_assert!(!p.contains(prev_day));
    }

    #[test]
    fn user_date_round_trips(date in any_date()) {
        let text = date.format("%Y-%m-%d").to_string();
        prop_assert_eq!(UserDate::parse(&text).map(UserDate::date), Ok(date));
        prop_assert_eq!(UserDate::from_date(date).to_string(), text);
    }

    #[test]
    fn today_is_within_a_day_of_utc(secs in 0i64..4_102_444_800, tz_index in 0usize..4) {
        let zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "America/St_Johns"];
        let now = Utc.timestamp_opt(secs, 0).unwrap();
        let tz: Tz = zones[tz_index].parse().unwrap();
        let diff = (today_in(tz, now) - now.date_naive()).num_days();
        prop_assert!((-1..=1).contains(&diff));
        prop_assert!(check_not_future(today_in(tz, now), tz, now).is_ok());
    }
}

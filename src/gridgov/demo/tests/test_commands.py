from gridgov.demo.tests.seeded.city import logins


def test_demo_logins_before_seeding_says_what_to_run(db):
    assert "seed_demo" in logins()

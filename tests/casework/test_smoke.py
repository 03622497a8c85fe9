from applications.constants import ApplicationStatus
from tests.casework.factories import ApplicationFactory


def test_it_lists_the_queue(org, api_for):
    app = ApplicationFactory(jobcenter=org.a, surname="Kaiser", household_size=3)
    response = api_for(org.staff).get("/api/v1/queue/applications/")
    assert response.status_code == 200, response.content
    row = response.json()["results"][0]
    assert row["id"] == str(app.public_id)
    assert row["household_size"] == 3
    assert row["team"]["name"] == "Leistung A-K"
    assert row["status"] == ApplicationStatus.SUBMITTED

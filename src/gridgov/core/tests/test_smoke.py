from gridgov.jurisdiction.selectors import node_get, nodes_visible


def test_dispatcher_sees_only_own_subdistrict(users, tree):
    dispatcher = users["dispatcher"]
    codes = set(nodes_visible(dispatcher).values_list("code", flat=True))
    assert codes == {"320104001", "320104001001", "320104001001001", "320104001001002"}
    assert node_get(dispatcher, "320104001001").name.endswith("一社区")

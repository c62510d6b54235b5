-- every vote keeps the counting settings it was created with. votes created before this
-- migration stored only their overrides ('{}' for the defaults); the party preset's default
-- majority base then changed from members present (1990 暂行条例) to members due to attend
-- (2020 条例). so that no stored or certified result changes, the defaults in force when those
-- votes were created are written into them; their own overrides win (json_patch keeps them).
update votes
   set settings = json_patch(
       '{"quorum":"gt","majority":"gt","majority_base":"present","box_check":"voters","overvote":"ballot","same_person_two_posts":"invalid","write_ins":true,"write_in_requires_against":true}',
       settings)
 where preset = 'party';

update votes
   set settings = json_patch(
       '{"quorum":"gt","majority":"gt","majority_base":"cast","box_check":"voters","overvote":"ballot","same_person_two_posts":"invalid","write_ins":true,"write_in_requires_against":false}',
       settings)
 where preset = 'residents';

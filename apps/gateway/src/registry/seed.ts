import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Directory, addressOf } from '../config/directory';
import { DirectoryRepository } from './directory.repository';
import { Assignment, Organisation, Person, Role } from './entities';
import { sampleStaffId, sampleStaffName } from './sample-staff';

export { sampleStaffId, sampleStaffName };

/**
 * First start of a node: its directory file becomes the registry. Roles marked active get a fictional member of staff
 * of the role's organisation (sample data; real staff are assigned through the API), so they start staffed; the others
 * start vacant. The sample person's id follows from the role's address (sampleStaffId): the default identity provider
 * signs them in under it.
 */
export async function seedDirectory(directory: Directory, now: Date, repository: DirectoryRepository, tx: EntityManager): Promise<void> {
  for (const org of directory.organisations) {
    await repository.save(Object.assign(new Organisation(), { slug: org.slug, name: org.name, kind: org.kind, createdAt: now, updatedAt: now }), tx);
  }
  for (const org of directory.organisations) {
    for (const r of org.roles) {
      const address = addressOf(directory.node, org.slug, r.slug);
      await repository.save(Role.create(address, org.slug, r, now), tx);
      if (r.status !== 'active') continue;
      const person = Object.assign(new Person(), {
        id: sampleStaffId(address),
        name: sampleStaffName(address),
        organisation: org.slug,
        email: null,
        phone: null,
        createdAt: now,
      });
      await repository.save(person, tx);
      await repository.save(
        Object.assign(new Assignment(), { id: randomUUID(), role: address, person: person.id, deputy: null, startsAt: now, endsAt: null, createdAt: now }),
        tx,
      );
    }
  }
}
